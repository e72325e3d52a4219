// What the preload exposes on `window.api` and what the browser transport implements: a
// typed invoke returning envelopes, and an event subscription. `createApi` turns either
// into the grouped API (api.system.info(...)) and re-throws failed envelopes as ApiError.

import type { Api, ArgsOf, CallName, ResultOf } from './contract';
import { unwrapEnvelope, type Envelope } from './errors';
import type { EventMap, EventName } from './events';

export interface Bridge {
  invoke<N extends CallName>(name: N, args: ArgsOf<N>): Promise<Envelope<ResultOf<N>>>;
  /** Receive every event; returns an unsubscribe function. */
  onEvent(listener: <E extends EventName>(event: E, payload: EventMap[E]) => void): () => void;
}

/** Desktop app only (the preload's `window.files`): the path on disk of a dropped or picked File. */
export interface FileBridge {
  /** '' when the file has no path (made in memory, or not a File). */
  pathFor(file: File): string;
}

/** Electron IPC channel names; only the preload and src/main/ipc use them. */
export const ipcChannels = {
  invoke: 'spanfill:invoke',
  event: 'spanfill:event',
} as const;

/**
 * Build the grouped API over a bridge. Uses a Proxy so that neither the renderer nor the
 * preload needs the contract's run-time schemas (zod stays in the main process bundle).
 */
export function createApi(bridge: Bridge): Api {
  const domains = new Map<string, unknown>();
  const domainProxy = (domain: string): unknown =>
    new Proxy(
      {},
      {
        get(_target, callName) {
          // NOTE: 'then' must stay undefined or `await api.system` would treat it as a promise.
          if (typeof callName !== 'string' || callName === 'then') return undefined;
          return async (args: unknown) => {
            // NOTE: the name is only known at run time here; the server validates it.
            const envelope = await bridge.invoke(`${domain}.${callName}` as CallName, args as never);
            return unwrapEnvelope(envelope);
          };
        },
      },
    );
  return new Proxy({} as Api, {
    get(_target, domain) {
      if (typeof domain !== 'string' || domain === 'then') return undefined;
      if (!domains.has(domain)) domains.set(domain, domainProxy(domain));
      return domains.get(domain);
    },
  });
}

/** Listen to one event by name with its payload typed; returns an unsubscribe function. */
export function subscribe<E extends EventName>(
  bridge: Bridge,
  name: E,
  listener: (payload: EventMap[E]) => void,
): () => void {
  return bridge.onEvent((event: EventName, payload: unknown) => {
    if (event === name) listener(payload as EventMap[E]);
  });
}
