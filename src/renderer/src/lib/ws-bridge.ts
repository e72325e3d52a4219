// Browser-mode bridge: the contract over one WebSocket to `spanfill serve`. Calls made
// before the socket opens wait for it; if the socket drops, pending and later calls fail
// with 'unavailable' and a message that says what to do. A socket refused before it opens
// because the token is not the server's (a tab from before a restart, or opened without the
// printed URL) takes the tab to the server's page that says to open that URL.

import type { ErrorInfo, Envelope } from '../../../shared/errors';
import type { EventMap, EventName } from '../../../shared/events';
import type { Bridge } from '../../../shared/transport';
import { decodeServerFrame, wsPath } from '../../../shared/ws-protocol';

export type ConnectionState = 'connecting' | 'open' | 'closed';

type EventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

export interface WsBridge extends Bridge {
  onStateChange(listener: (state: ConnectionState) => void): void;
}

// Short: the page's banner (App.svelte) says what to do, once, above every screen's message.
const lostConnection: ErrorInfo = {
  code: 'unavailable',
  message: 'Not done: the connection to `spanfill serve` was lost (the note at the top says what to do).',
};

export function createWsBridge(token: string): WsBridge {
  const socket = new WebSocket(`ws://${location.host}${wsPath}?token=${encodeURIComponent(token)}`);
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const eventListeners = new Set<EventListener>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let nextId = 1;

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const listener of stateListeners) listener(next);
  };
  socket.addEventListener('open', () => setState('open'));
  socket.addEventListener('close', () => {
    if (state === 'connecting') void leaveIfTokenRefused(token);
    setState('closed');
    for (const resolve of pending.values()) resolve({ ok: false, error: lostConnection });
    pending.clear();
  });
  // Settles on open or on close (registered after the listeners above, which set the state):
  // a socket refused before it opens (401, server gone) must fail the calls waiting for it
  // rather than leave them pending forever.
  const settled = new Promise<void>((resolve) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('close', () => resolve(), { once: true });
  });
  socket.addEventListener('message', (message: MessageEvent) => {
    if (typeof message.data !== 'string') return;
    const frame = decodeServerFrame(message.data);
    if (frame.kind === 'event') {
      for (const listener of eventListeners) listener(frame.event, frame.payload as never);
    } else if (frame.id !== null) {
      pending.get(frame.id)?.(frame.response);
      pending.delete(frame.id);
    }
  });

  return {
    async invoke(name, args) {
      if (state === 'connecting') await settled;
      if (state === 'closed') return { ok: false, error: lostConnection };
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (envelope: Envelope<unknown>) => void);
        socket.send(JSON.stringify({ id, call: name, args }));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => void eventListeners.delete(listener);
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      listener(state);
    },
  };
}

/**
 * After a socket was refused: asks the server (a plain GET of /ws) whether this token is good
 * and, when it answers 401, replaces the page with that answer, which says to open the URL
 * `spanfill serve` printed. A browser does not tell a page why a handshake failed, and the
 * banner's "reload the page" would only load this page again with the same token.
 */
async function leaveIfTokenRefused(token: string): Promise<void> {
  try {
    const response = await fetch(wsPath, { headers: { Authorization: `Bearer ${token}` } });
    if (response.status === 401) location.replace(wsPath);
  } catch {
    // The server is gone: the banner says so.
  }
}
