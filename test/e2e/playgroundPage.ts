// The Playground page as the e2e tests read it: its notice (a polite live region), the columns a
// first visit opens, and the screens it keeps for the next visit (playground.keepScreen), once
// the server has them.

import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
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
 * The results' columns once a first visit has opened the newest run's checkpoint beside its base
 * model (two columns). The opening lands after the kept screen is read back and the runs'
 * checkpoints and the models are listed, a call to the server each: on a loaded machine that
 * takes longer than expect.poll's one second, so the wait is longer.
 */
export async function firstVisitColumns(page: Page): Promise<Locator> {
  const columns = page.getByTestId('results').getByTestId('fill-column');
  await expect.poll(() => columns.count(), { timeout: 30_000 }).toBe(2);
  return columns;
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
