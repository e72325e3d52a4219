// Globals the renderer can see: the preload's bridge (only inside Electron) and Svelte's types.

/// <reference types="svelte" />

import type { Bridge, FileBridge } from '../../shared/transport';

declare global {
  interface Window {
    /** Set by the preload in the desktop app; absent in browser mode. */
    api?: Bridge;
    /** Set by the preload in the desktop app: paths of dropped or picked files. */
    files?: FileBridge;
  }
}

export {};
