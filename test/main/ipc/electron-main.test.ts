// The Electron entry (src/main/index.ts) against a stand-in electron module, since the real
// binary cannot run here: the window's security settings, the CSP header, denied
// permissions (requested or checked) and pop-ups, blocked navigation of every kind (the page,
// any frame, a redirect), and the IPC handler being registered; both navigation and IPC refuse
// look-alike URLs that merely begin with the renderer's.

import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

interface FakeWindow {
  options: { webPreferences: Record<string, unknown> };
  loaded: string[];
  openHandler?: (details: { url: string }) => { action: string };
  /** The listeners of will-navigate, will-frame-navigate and will-redirect, by event name. */
  navigation: Map<string, NavigationListener>;
}
type NavigationListener = (event: { url: string; preventDefault(): void }) => void;
const navigationEvents = ['will-navigate', 'will-frame-navigate', 'will-redirect'];

const windows: FakeWindow[] = [];
const handled = new Map<string, unknown>();
let headersHook:
  ((details: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void) | undefined;
let permissionHook: ((contents: unknown, permission: string, cb: (allowed: boolean) => void) => void) | undefined;
let permissionCheck: ((contents: unknown, permission: string) => boolean) | undefined;
const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-electron-'));
// The per-user data directory a plain `spanfill` reaches (XDG on Linux): the app's too.
const xdgDataHome = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-electron-xdg-'));
const appEvents = new Map<string, (...args: unknown[]) => void>();

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows = () => windows.map(() => ({ webContents: { isDestroyed: () => false, send: vi.fn() } }));
    webContents: unknown;
    constructor(options: FakeWindow['options']) {
      const record: FakeWindow = { options, loaded: [], navigation: new Map() };
      windows.push(record);
      this.webContents = {
        setWindowOpenHandler: (handler: FakeWindow['openHandler']) => (record.openHandler = handler),
        on: (event: string, handler: NavigationListener) => {
          if (navigationEvents.includes(event)) record.navigation.set(event, handler);
        },
      };
      this.loadFile = async (file: string) => void record.loaded.push(file);
      this.loadURL = async (url: string) => void record.loaded.push(url);
    }
    loadFile: (file: string) => Promise<void>;
    loadURL: (url: string) => Promise<void>;
    once(): void {}
  }
  return {
    app: {
      requestSingleInstanceLock: () => true,
      whenReady: async () => undefined,
      getPath: () => userData,
      on: (event: string, handler: (...args: unknown[]) => void) => appEvents.set(event, handler),
      quit: vi.fn(),
      exit: vi.fn(),
    },
    BrowserWindow,
    dialog: { showErrorBox: vi.fn() },
    ipcMain: { handle: (channel: string, handler: unknown) => handled.set(channel, handler), removeHandler: vi.fn() },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (hook: typeof headersHook) => (headersHook = hook) },
        setPermissionRequestHandler: (hook: typeof permissionHook) => (permissionHook = hook),
        setPermissionCheckHandler: (hook: typeof permissionCheck) => (permissionCheck = hook),
      },
    },
    shell: { openExternal: vi.fn() },
    utilityProcess: { fork: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: () => false,
      encryptString: (text: string) => Buffer.from(text),
      decryptString: (data: Buffer) => data.toString(),
    },
  };
});

afterAll(async () => {
  // Quitting closes the services (store, engine host) before the folder goes away.
  appEvents.get('will-quit')?.({ preventDefault: () => undefined });
  await new Promise((resolve) => setTimeout(resolve, 100));
  fs.rmSync(userData, { recursive: true, force: true });
  fs.rmSync(xdgDataHome, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('Electron main', () => {
  it('opens one sandboxed, isolated window without Node and locks the page down', async () => {
    // (Elsewhere the per-user folder is the person's own: the variable stands in for it.)
    vi.stubEnv('SPANFILL_DATA_DIR', process.platform === 'linux' ? '' : path.join(xdgDataHome, 'spanfill'));
    vi.stubEnv('XDG_DATA_HOME', xdgDataHome);
    await import('../../../src/main/index');
    await vi.waitFor(() => expect(windows).toHaveLength(1));
    const [window] = windows;
    expect(window.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(String(window.options.webPreferences.preload)).toMatch(/preload[/\\]index\.cjs$/);
    expect(window.loaded[0]).toMatch(/renderer[/\\]index\.html$/);

    expect(handled.has('spanfill:invoke')).toBe(true);
    // The CLI's store, not Electron's userData (on Linux ~/.config/Spanfill, which `spanfill` never reads).
    expect(fs.existsSync(path.join(xdgDataHome, 'spanfill', 'spanfill.db'))).toBe(true);
    expect(fs.existsSync(path.join(userData, 'spanfill.db'))).toBe(false);

    let response: unknown;
    headersHook?.({ responseHeaders: {} }, (r) => (response = r));
    expect(JSON.stringify(response)).toContain("script-src 'self'");

    let allowed: boolean | undefined;
    permissionHook?.({}, 'media', (value) => (allowed = value));
    expect(allowed).toBe(false);
    expect(permissionCheck?.({}, 'clipboard-read')).toBe(false);

    expect(window.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    // The renderer's own page may be navigated to; a page whose URL merely begins with it may
    // not, whether the page, a frame or a redirect goes there.
    const index = pathToFileURL(window.loaded[0]).href;
    expect([...window.navigation.keys()].sort()).toEqual([...navigationEvents].sort());
    for (const listener of window.navigation.values()) {
      const stopped = (url: string): boolean => {
        const event = { url, preventDefault: vi.fn() };
        listener(event);
        return event.preventDefault.mock.calls.length > 0;
      };
      expect(stopped('https://evil.example/')).toBe(true);
      expect(stopped(`${index}#/runs`)).toBe(false);
      expect(stopped(`${index}.evil/x.html`)).toBe(true);
    }
    const invoke = handled.get('spanfill:invoke') as (event: unknown, name: string, args: unknown) => Promise<unknown>;
    const refused = await invoke({ senderFrame: { url: `${index}.evil/x.html` } }, 'nothing.here', undefined);
    expect(refused).toMatchObject({ ok: false, error: { message: expect.stringContaining('not accepted') } });
    // The page's webContents, whose reload or close aborts its calls (ipc/pageSignals.ts).
    const sender = new EventEmitter();
    const dispatched = await invoke({ sender, senderFrame: { url: index } }, 'nothing.here', undefined);
    expect(JSON.stringify(dispatched)).not.toContain('not accepted');
  });
});
