// The preload: exposes one typed `api` object (a Bridge: invoke + onEvent) to the sandboxed
// renderer through contextBridge, and `files.pathFor`, which turns a dropped or picked File
// into its path on disk (Electron's webUtils; the renderer cannot see paths otherwise).
// Envelopes pass through untouched; the renderer's createApi re-throws failures as ApiError.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Bridge, FileBridge } from '../shared/transport';
import { ipcChannels } from '../shared/transport';

const api: Bridge = {
  invoke: (name, args) => ipcRenderer.invoke(ipcChannels.invoke, name, args),
  onEvent(listener) {
    const handler = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
      // Trust boundary is main; the payload type is the contract's for this event name.
      listener(name as Parameters<typeof listener>[0], payload as never);
    };
    ipcRenderer.on(ipcChannels.event, handler);
    return () => void ipcRenderer.removeListener(ipcChannels.event, handler);
  },
};

const files: FileBridge = {
  // The page could pass anything: only a real File has a path ('' for one made in memory).
  pathFor: (file: unknown) => (file instanceof File ? webUtils.getPathForFile(file) : ''),
};

contextBridge.exposeInMainWorld('api', api);
contextBridge.exposeInMainWorld('files', files);
