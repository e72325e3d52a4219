// Holds back the server's reply to one contract call on a page's WebSocket until the test
// releases it, to look at the page while that call is out. Every other frame passes through
// as it is (Playwright's routeWebSocket connected to the real `spanfill serve`).

import type { Page } from 'playwright-core';
import { wsPath } from '../../src/shared/ws-protocol';

export interface HeldReply {
  /** Sends the held reply on (now, or as soon as it arrives) and stops holding. */
  release(): void;
}

/**
 * Routes the page's socket; the first reply to a `call` frame named `call` waits for release()
 * (or the first after `skip` such calls, for a call the page makes again as it opens; or, with
 * `skip` 'none', every reply to that call until release, for a call an event may repeat).
 */
export async function holdReply(page: Page, call: string, skip: number | 'none' = 0): Promise<HeldReply> {
  const heldIds = new Set<number>();
  let passed = 0;
  let isReleased = false;
  const held: (() => void)[] = [];
  await page.routeWebSocket(
    (url) => url.pathname === wsPath,
    (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message === 'string' && !isReleased) {
          const frame = JSON.parse(message) as { id?: number; call?: string };
          if (frame.call === call && frame.id !== undefined) {
            const isHeld = skip === 'none' || (heldIds.size === 0 && passed++ === skip);
            if (isHeld) heldIds.add(frame.id);
          }
        }
        server.send(message);
      });
      server.onMessage((message) => {
        const frame = typeof message === 'string' ? (JSON.parse(message) as { id?: number }) : {};
        if (isReleased || frame.id === undefined || !heldIds.has(frame.id)) return ws.send(message);
        held.push(() => ws.send(message));
      });
    },
  );
  return {
    release() {
      isReleased = true;
      for (const send of held.splice(0)) send();
    },
  };
}
