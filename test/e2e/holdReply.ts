// Holds back, or drops, the server's replies to one contract call on a page's WebSocket, to
// look at the page while that call is out (or when its answer never comes). Every other frame
// passes through as it is (Playwright's routeWebSocket connected to the real `spanfill serve`).

import type { Page } from 'playwright-core';
import { wsPath } from '../../src/shared/ws-protocol';

export interface HeldReply {
  /** Sends the held replies on (now, or as soon as they arrive) and stops holding. */
  release(): void;
  /** How many calls of its kind the page has made so far. */
  calls(): number;
}

/** What becomes of the reply to a call: passed on, held until release(), or never sent. */
export type ReplyFate = 'pass' | 'hold' | 'drop';

/**
 * Routes the page's socket; the reply to the `index`-th `call` frame named `call` (0 the first)
 * meets `fateOf(index)`. After release() every reply passes but those fated to drop.
 */
export async function routeReplies(page: Page, call: string, fateOf: (index: number) => ReplyFate): Promise<HeldReply> {
  const fates = new Map<number, ReplyFate>();
  let calls = 0;
  let isReleased = false;
  const held: (() => void)[] = [];
  await page.routeWebSocket(
    (url) => url.pathname === wsPath,
    (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message === 'string') {
          const frame = JSON.parse(message) as { id?: number; call?: string };
          if (frame.call === call && frame.id !== undefined) fates.set(frame.id, fateOf(calls++));
        }
        server.send(message);
      });
      server.onMessage((message) => {
        const frame = typeof message === 'string' ? (JSON.parse(message) as { id?: number }) : {};
        const fate = frame.id === undefined ? 'pass' : (fates.get(frame.id) ?? 'pass');
        if (fate === 'drop') return;
        if (fate === 'pass' || isReleased) return ws.send(message);
        held.push(() => ws.send(message));
      });
    },
  );
  return {
    release() {
      isReleased = true;
      for (const send of held.splice(0)) send();
    },
    calls: () => calls,
  };
}

/**
 * Holds the first reply to `call` until release() (or the first after `skip` such calls, for a
 * call the page makes again as it opens; or, with `skip` 'none', every reply to that call until
 * release, for a call an event may repeat).
 */
export function holdReply(page: Page, call: string, skip: number | 'none' = 0): Promise<HeldReply> {
  return routeReplies(page, call, (index) => (skip === 'none' || index === skip ? 'hold' : 'pass'));
}
