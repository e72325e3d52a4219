// Electron transport of the contract: one ipcMain handler answers every call through the
// shared dispatcher (validation included) and every bus event is sent to every window.
// Only frames loaded from our own renderer may call; a call's signal aborts when its page goes,
// and the page is its caller (pageSignals.ts).

import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcChannels } from '../../shared/transport';
import type { AppServices } from '../services/app';
import { PageSignals } from './pageSignals';

export interface IpcOptions {
  readonly ipcMain: IpcMain;
  readonly app: AppServices;
  /** The windows that should receive events. */
  readonly targets: () => readonly WebContents[];
  /** Whether a sender URL is our renderer (file:// in production, the dev server in dev). */
  readonly isTrustedUrl: (url: string) => boolean;
}

export function registerIpc({ ipcMain, app, targets, isTrustedUrl }: IpcOptions): () => void {
  const pages = new PageSignals();
  ipcMain.handle(ipcChannels.invoke, async (event: IpcMainInvokeEvent, name: unknown, args: unknown) => {
    const url = event.senderFrame?.url ?? '';
    if (!isTrustedUrl(url)) {
      return { ok: false, error: { code: 'invalid_argument', message: `Calls are not accepted from ${url}` } };
    }
    return app.call(name, args, pages.contextOf(event.sender));
  });
  const unsubscribe = app.events.subscribe((name, payload) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed()) contents.send(ipcChannels.event, name, payload);
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(ipcChannels.invoke);
  };
}
