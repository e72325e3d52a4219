// End-to-end, against the built `spanfill serve` and the local stand-in Hub: long work with a
// progress bar says its start, each quarter and its end in a polite live region, never each
// chunk, and its byte counts and Cancel stay out of every live region. A 16 MiB file picked and
// uploaded, then imported, says a dozen lines at most (it said 24 in 4 s, each reading "Cancel
// upload"); a Hub download says its start, not its progress each tenth of a second. Work done
// within a second says only its outcome (progressAnnouncement.ts), so the upload's requests are
// made slower here (network.ts) to last beyond it whatever the machine's speed.
// Needs `npm run build` first.

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub-server';
import { announcements, isInLiveRegion, recordAnnouncements } from './liveRegions';
import { openScreen } from './navigate';
import { slowRequests } from './network';
import { startSession, type E2eSession } from './session';

const repoId = 'tiny-org/t5-tiny-spm';
let hub: TestHub;
let session: E2eSession;
let page: Page;

beforeAll(async () => {
  hub = await startTestHub({ repoId, folder: path.resolve('test/fixtures/t5/t5-tiny-spm') });
  session = await startSession('progress', { env: { HF_ENDPOINT: hub.url, HF_TOKEN: '', HF_HUB_OFFLINE: '' } });
  page = session.page;
  await page.goto(session.url);
});

afterAll(async () => {
  await session?.close();
  await hub?.close();
});

/** A text file of about `mib` MiB: one paragraph again and again, blank-line separated. */
function writeLargeText(file: string, mib: number): void {
  const paragraph = 'The quiet river runs by the green park at dawn while small birds sing in the old trees.\n\n';
  fs.writeFileSync(file, paragraph.repeat(Math.ceil((mib * 1024 * 1024) / paragraph.length)));
}

describe('progress said in a few lines', () => {
  it('an upload and its import say their start, quarters and end, never the Cancel', async () => {
    const big = path.join(session.dir, 'big.txt');
    writeLargeText(big, 16);
    await recordAnnouncements(page);
    // 4 MiB chunks, each 500 ms later: the upload lasts over a second even where it is quick.
    const cdp = await session.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await slowRequests(cdp, 500);
    await page.getByTestId('pick-files').setInputFiles(big);
    await page.getByTestId('upload-progress').waitFor();
    await expect(isInLiveRegion(page, 'upload-progress')).resolves.toBe(false);
    await page.getByTestId('datasets-notice').filter({ hasText: 'Imported big.txt' }).waitFor({ timeout: 120_000 });
    const said = await announcements(page);
    expect(said[0]).toBe('status: Uploading big.txt…');
    expect(said.at(-1)).toMatch(/^status: Imported big\.txt/);
    expect(said.filter((line) => line.includes('Cancel'))).toEqual([]);
    expect(said.length, said.join('\n')).toBeLessThanOrEqual(12);
    await slowRequests(cdp, 0);
    await cdp.detach();
  }, 150_000);

  it('a Hub download says its start, not each tenth of a second, with its bytes and Cancel outside', async () => {
    hub.fault = { stallFileAfter: { file: 'model.safetensors', bytes: 64 * 1024 } };
    await openScreen(page, 'models');
    await recordAnnouncements(page);
    await page.getByTestId('hub-repo').fill(repoId);
    await page.getByTestId('hub-download').click();
    const progress = page.getByTestId('pull-progress');
    await progress.filter({ hasText: /[\d.]+ KiB of [\d.]+ KiB/ }).waitFor({ timeout: 30_000 });
    await expect(isInLiveRegion(page, 'pull-progress')).resolves.toBe(false);
    await page.waitForTimeout(1500); // (ten updates of its numbers, were they said)
    const said = await announcements(page);
    // Its start, and a quarter or so: the files before the weights and 64 KiB of them.
    expect(said[0]).toBe(`status: Downloading ${repoId}…`);
    expect(said.every((line) => line.startsWith(`status: Downloading ${repoId}`))).toBe(true);
    expect(said.length, said.join('\n')).toBeLessThanOrEqual(3);
    await page.getByTestId('pull-cancel').click();
    await page.getByTestId('pull-error').waitFor();
    await expect
      .poll(() => announcements(page))
      .toContain(
        `alert: Download of ${repoId} cancelled. What arrived is kept: downloading it again resumes from there.`,
      );
    expect(session.pageErrors).toEqual([]);
  });
});
