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
 * (or the first after `skip` such calls, for a call the page makes again as it opens).
 */
export async function holdReply(page: Page, call: string, skip = 0): Promise<HeldReply> {
  let heldId: number | undefined;
  let passed = 0;
  let isReleased = false;
  let held: (() => void) | undefined;
  await page.routeWebSocket(
    (url) => url.pathname === wsPath,
    (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        if (typeof message === 'string' && heldId === undefined) {
          const frame = JSON.parse(message) as { id?: number; call?: string };
          if (frame.call === call && passed++ === skip) heldId = frame.id;
        }
        server.send(message);
      });
      server.onMessage((message) => {
        const frame = typeof message === 'string' ? (JSON.parse(message) as { id?: number }) : {};
        if (isReleased || heldId === undefined || frame.id !== heldId) return ws.send(message);
        held = () => ws.send(message);
      });
    },
  );
  return {
    release() {
      isReleased = true;
      held?.();
    },
  };
}
