// The preload: exposes one typed `api` object (a Bridge: invoke + onEvent) to the sandboxed
// renderer through contextBridge. Envelopes pass through untouched; the renderer's
// createApi re-throws failures as ApiError with the original code and message.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Bridge } from '../shared/transport';
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

contextBridge.exposeInMainWorld('api', api);
