// The main window's security settings, stated without importing Electron so that they can be
// tested where Electron cannot run (index.ts applies them): its webPreferences (sandboxed, no
// Node, DevTools only when not packaged) and the guard that keeps every frame on the app's own
// renderer, whether the page navigates or a server redirects it (trustedUrl.ts decides).

/** The webPreferences of the one window; `preload` is the built preload script's path. */
export function windowWebPreferences(options: { preload: string; isPackaged: boolean }) {
  return {
    preload: options.preload,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    webSecurity: true,
    spellcheck: false,
    // A packaged app opens no DevTools (Ctrl+Shift+I, or a page that asks): they would run code
    // with the page's bridge to every call. `npm start` and `npm run dev` keep them.
    devTools: !options.isPackaged,
  } as const;
}

/** What the guard needs of an Electron navigation event (all three carry the target as `url`). */
export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

/**
 * The listener for will-navigate (the main frame), will-frame-navigate (any frame) and
 * will-redirect (a server's answer): stops a navigation to any URL but the app's own.
 */
export function navigationGuard(isTrustedUrl: (url: string) => boolean): (event: NavigationEvent) => void {
  return (event) => {
    if (!isTrustedUrl(event.url)) event.preventDefault();
  };
}
