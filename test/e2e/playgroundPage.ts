// The Playground page as the e2e tests read it: its notice (a polite live region), and the
// screens it keeps for the next visit (playground.keepScreen), once the server has them.

import type { Page } from 'playwright-core';
import type { PlaygroundScreen } from '../../src/shared/contract/playground';
import type { WsCallFrame } from '../../src/shared/ws-protocol';

/** The screen's notice, as its live region says it; null when none shows within a second. */
export function playgroundNotice(page: Page): Promise<string | null> {
  return page
    .getByTestId('playground-notice')
    .getByRole('status')
    .textContent({ timeout: 1000 })
    .catch(() => null);
}

/**
 * Follows the page's playground.keepScreen calls on its WebSocket (each page load's): `onKept`
 * gets each screen as the page sent it, once the server has answered that call.
 */
export function followKeptScreens(page: Page, onKept: (screen: Partial<PlaygroundScreen>) => void): void {
  page.on('websocket', (socket) => {
    const sent = new Map<number, Partial<PlaygroundScreen>>();
    const text = (payload: string | Buffer): string => (typeof payload === 'string' ? payload : payload.toString());
    socket.on('framesent', ({ payload }) => {
      const frame = JSON.parse(text(payload)) as Partial<WsCallFrame>;
      const args = frame.args as { screen?: Partial<PlaygroundScreen> } | undefined;
      if (frame.call === 'playground.keepScreen' && frame.id !== undefined) sent.set(frame.id, args?.screen ?? {});
    });
    socket.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(text(payload)) as { id?: number };
      const screen = frame.id === undefined ? undefined : sent.get(frame.id);
      if (screen !== undefined) onKept(screen);
    });
  });
}
