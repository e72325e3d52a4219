// End-to-end for the Models screen's Download with no Hub to reach (HF_ENDPOINT at a closed
// port): the empty Repository id says why Download waits; an id without an owner is sent, and
// its failure says in plain words that the Hub refused the connection, that the id may be wrong,
// and to press Download again (the CLI's "pull again" is not the screen's); editing the box
// takes that failure away.
// Needs `npm run build` first.

import { createServer, type AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let endpoint: string;

/** A local port that refuses connections: listened on, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  endpoint = `http://127.0.0.1:${await closedPort()}`;
  session = await startSession('hub-unreachable', { env: { HF_ENDPOINT: endpoint, HF_TOKEN: '', HF_HUB_OFFLINE: '' } });
  page = session.page;
});

afterAll(async () => {
  await session?.close();
});

describe('Models screen: Download with no Hub to reach', () => {
  it('says why Download waits, why it failed in the screen’s words, and lets the failure go once edited', async () => {
    await page.goto(session.url);
    await openScreen(page, 'models');
    const download = page.getByTestId('hub-download');
    const waits = page.getByTestId('hub-repo-waits');
    await expect(waits.textContent()).resolves.toMatch(/^Type a repository id \(owner\/name/);
    await expect(download.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(download.getAttribute('aria-describedby')).resolves.toBe('hub-repo-waits');

    await page.getByTestId('hub-repo').fill('onlyname');
    await expect(waits.count()).resolves.toBe(0);
    await download.click();
    const error = page.getByTestId('pull-error');
    await error.waitFor({ timeout: 30_000 });
    const said = (await error.textContent()) ?? '';
    expect(said).toContain(`Cannot download repository onlyname@main from ${endpoint}: `);
    expect(said).toContain('refused the connection');
    expect(said).toContain('then press Download again.');
    expect(said).toContain('onlyname has no owner');
    expect(said).not.toMatch(/pull again|ECONNREFUSED|fetch failed/);

    await page.getByTestId('hub-repo').fill('');
    await error.waitFor({ state: 'detached' });
    await waits.waitFor();
  });
});
