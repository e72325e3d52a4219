// The Electron transport without Electron (its binary cannot run here): registerIpc against
// a fake ipcMain, and the preload against a mocked electron module, checking that calls are
// validated like every other transport, untrusted frames are refused, a page's calls are
// aborted when it reloads or closes and share one caller (another page's are another's),
// events reach windows and the renderer sees the real error message.

import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcMain, WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerIpc } from '../../../src/main/ipc';
import { AppServices } from '../../../src/main/services/app';
import { ipcChannels, createApi, type Bridge, type FileBridge } from '../../../src/shared/transport';

type InvokeHandler = (
  event: { sender: EventEmitter; senderFrame: { url: string } | null },
  name: unknown,
  args: unknown,
) => Promise<unknown>;

const handlers = new Map<string, InvokeHandler>();
const fakeIpcMain = {
  handle: (channel: string, handler: InvokeHandler) => handlers.set(channel, handler),
  removeHandler: (channel: string) => handlers.delete(channel),
} as unknown as IpcMain;

const sent: unknown[][] = [];
const fakeContents = {
  isDestroyed: () => false,
  send: (...args: unknown[]) => sent.push(args),
} as unknown as WebContents;

let dataDir: string;
let app: AppServices;
let unregister: () => void;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-ipc-'));
  app = new AppServices({ dataDir });
  unregister = registerIpc({
    ipcMain: fakeIpcMain,
    app,
    targets: () => [fakeContents],
    isTrustedUrl: (url) => url.startsWith('file:///app/'),
  });
});

afterAll(async () => {
  unregister();
  await app.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The page's webContents, as far as a call's signal needs it (its 'destroyed' and 'did-navigate'). */
const sender = new EventEmitter();

function invoke(url: string, name: unknown, args: unknown, from: EventEmitter = sender): Promise<unknown> {
  const handler = handlers.get(ipcChannels.invoke);
  if (!handler) throw new Error('no invoke handler registered');
  return handler({ sender: from, senderFrame: { url } }, name, args);
}

describe('registerIpc', () => {
  it('answers calls from our renderer with envelopes', async () => {
    await expect(invoke('file:///app/index.html', 'system.ping', { message: 'ipc' })).resolves.toMatchObject({
      ok: true,
      result: { message: 'ipc' },
    });
  });

  it('validates arguments like every transport', async () => {
    const envelope = await invoke('file:///app/index.html', 'system.ping', { message: [] });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    expect(JSON.stringify(envelope)).toContain("field 'message'");
  });

  it('refuses calls from other origins', async () => {
    await expect(invoke('https://evil.example/', 'system.ping', { message: 'x' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_argument' },
    });
  });

  it("aborts a call's signal when its page reloads or its window closes, and not another window's", async () => {
    const signals: AbortSignal[] = [];
    const call = vi.spyOn(app, 'call').mockImplementation(async (_name, _args, context) => {
      if (context?.signal) signals.push(context.signal);
      return { ok: true, result: null };
    });
    try {
      const [page, other] = [new EventEmitter(), new EventEmitter()];
      const from = (contents: EventEmitter) =>
        invoke('file:///app/index.html', 'system.ping', { message: 'x' }, contents);
      await from(page);
      await from(other);
      page.emit('did-navigate'); // a reload: another document in the same window
      await from(page); // the new page's call
      page.emit('destroyed');
      expect(signals.map((signal) => signal.aborted)).toEqual([true, false, true]);
      expect(signals[0].reason).toMatchObject({ code: 'cancelled' });
      other.emit('did-navigate-in-page'); // a #route change is the same page
      expect(signals[1].aborted).toBe(false);
    } finally {
      call.mockRestore();
    }
  });

  it("gives one page's calls one caller, another after a reload, and another window its own", async () => {
    const callers: unknown[] = [];
    const call = vi.spyOn(app, 'call').mockImplementation(async (_name, _args, context) => {
      callers.push(context?.caller);
      return { ok: true, result: null };
    });
    try {
      const [page, other] = [new EventEmitter(), new EventEmitter()];
      const from = (contents: EventEmitter) => invoke('file:///app/index.html', 'playground.stop', {}, contents);
      await from(page);
      await from(page);
      await from(other);
      page.emit('did-navigate'); // a reload: another document, another caller
      await from(page);
      expect(callers[0]).toBeTypeOf('object');
      expect(callers[1]).toBe(callers[0]);
      expect(new Set(callers).size).toBe(3);
    } finally {
      call.mockRestore();
    }
  });

  it('forwards bus events to windows', () => {
    app.events.emit('models.statusChanged', { modelId: 'm1', status: 'ready' });
    expect(sent).toContainEqual([ipcChannels.event, 'models.statusChanged', { modelId: 'm1', status: 'ready' }]);
  });
});

describe('preload', () => {
  it('exposes the bridge as window.api whose failures re-throw with the real message, and window.files', async () => {
    const exposed = new Map<string, unknown>();
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
      ipcRenderer: {
        invoke: async (channel: string, name: unknown, args: unknown) => invoke('file:///app/index.html', name, args),
        on: vi.fn(),
        removeListener: vi.fn(),
      },
      webUtils: { getPathForFile: (file: File) => `/home/someone/${file.name}` },
    }));
    await import('../../../src/preload/index');
    expect([...exposed.keys()]).toEqual(['api', 'files']);
    // A dropped File's path; anything else the page passes gets no path (and no call into Electron).
    const files = exposed.get('files') as FileBridge;
    expect(files.pathFor(new File(['x'], 'notes.txt'))).toBe('/home/someone/notes.txt');
    for (const notAFile of ['/etc/passwd', { name: 'x' }, null]) {
      expect(files.pathFor(notAFile as unknown as File)).toBe('');
    }
    const api = createApi(exposed.get('api') as Bridge);
    await expect(api.system.ping({ message: 'through preload' })).resolves.toMatchObject({
      message: 'through preload',
    });
    await expect(api.system.ping({ message: 5 as unknown as string })).rejects.toThrow(
      "Invalid argument for system.ping: field 'message': expected string, received number",
    );
    vi.doUnmock('electron');
  });
});
