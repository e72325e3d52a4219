// End-to-end for a fill of spaces only in the Playground, against the built `spanfill serve`: a
// trained byte model often writes a hole as " " where the prompt has spaces on both sides, which
// the engine drops (engine/t5/sentinels.ts); the column says "(spaces only)" there, not
// "(nothing)", and says what that means, while a hole the model wrote nothing in stays
// "(nothing)". The builtin model's answer is replaced on the page's socket by such a byte
// model's (its output as the engine fills it in), since no model here writes it on purpose.
// Needs `npm run build` first.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSentinels } from '../../src/main/engine/t5/sentinels';
import type { PlaygroundFillResult } from '../../src/shared/contract/playground';
import { wsPath, type WsServerFrame } from '../../src/shared/ws-protocol';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

const prompt = 'The harbour town woke <extra_id_0> on winter mornings, and the <extra_id_1> gathered<extra_id_2>.';
/** Spaces in the first two holes (beside the prompt's own), nothing in the third. */
const output = '<extra_id_0> <extra_id_1> <extra_id_2><extra_id_3> t</s>';
let session: E2eSession;
let page: Page;

/** Replaces the result of each playground.fill reply with the byte model's answer to `prompt`. */
async function answerWithSpaces(): Promise<void> {
  const fills = new Set<number>();
  await page.routeWebSocket(
    (url) => url.pathname === wsPath,
    (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => {
        const frame = JSON.parse(String(message)) as { id?: number; call?: string };
        if (frame.call === 'playground.fill' && frame.id !== undefined) fills.add(frame.id);
        server.send(message);
      });
      server.onMessage((message) => {
        const frame = JSON.parse(String(message)) as WsServerFrame;
        if (frame.kind !== 'response' || frame.id === null || !fills.has(frame.id) || !frame.response.ok)
          return ws.send(message);
        const result = frame.response.result as PlaygroundFillResult;
        const filled = fillSentinels(prompt, output);
        const answer: PlaygroundFillResult = { ...result, ...filled, output, stoppedAtTokenLimit: null };
        ws.send(JSON.stringify({ ...frame, response: { ok: true, result: answer } }));
      });
    },
  );
}

beforeAll(async () => {
  session = await startSession('blank-fill');
  page = session.page;
  await answerWithSpaces();
  await page.goto(session.url);
  await openScreen(page, 'playground');
  await page.getByTestId('prompt').waitFor();
});

afterAll(() => session?.close());

describe('Playground: a fill of spaces only', () => {
  it('says "(spaces only)" where the model wrote only spaces, and "(nothing)" where it wrote nothing', async () => {
    await expect.poll(() => page.getByTestId('fill-column').count()).toBe(1);
    await page.getByTestId('prompt').fill(prompt);
    await page.getByTestId('fill').click();
    await page.getByTestId('fill-text').waitFor({ timeout: 60_000 });
    const spans = page.getByTestId('fill-span');
    // (each span's text after its <sup> sentinel label)
    await expect(spans.allTextContents()).resolves.toEqual([
      '<extra_id_0>(spaces only)',
      '<extra_id_1>(spaces only)',
      '<extra_id_2>(nothing)',
    ]);
    const note = await page.getByTestId('fill-blank').textContent();
    expect(note?.replace(/\s+/g, ' ').trim()).toBe(
      '“(spaces only)”: the model wrote nothing but spaces there, and the prompt has its own beside the hole, ' +
        'so none is added. Decoder output shows what it generated.',
    );
    await expect(page.getByTestId('fill-column').locator('pre').textContent()).resolves.toBe(output);
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
