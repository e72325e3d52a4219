// End-to-end for a registered model removed in a terminal (`spanfill models rm`, on the data
// directory of the `spanfill serve` the page uses) while it is a Playground column: its column
// goes, and the screen's notice (a polite live region) says that it was removed elsewhere —
// with no fill running (a copy of the t5-tiny-spm fixture), and mid-fill, where its generation
// (64 beams, 512 new tokens on a copy of builtin:byt5-tiny: about a minute here) is stopped in the
// engine host and the next column (a folder with no model: it fails at once) answers soon after.
// Needs `npm run build` first; Linux (the host's CPU time is read from /proc).

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHostCpuShare } from './engineHostCpu';
import { openScreen } from './navigate';
import { playgroundNotice } from './playgroundPage';
import { spanfillJson } from './serve';
import { startSession, type E2eSession } from './session';

/** Well under the minute the slow fill takes. */
const soonMs = 20_000;
let session: E2eSession;
let page: Page;

/** Registers a copy of the model folder `from` as `name`, from a terminal, as a person would. */
function importModel(from: string, name: string): void {
  // Outside the data directory: models.import refuses a folder inside it (modelsImportPlace.ts).
  const folder = path.join(session.dir, 'my-models', name.replaceAll(' ', '-'));
  fs.cpSync(from, folder, { recursive: true });
  spanfillJson(session.dataDir, ['models', 'import', folder, '--name', name]);
}

const removeModel = (name: string): unknown => spanfillJson(session.dataDir, ['models', 'rm', name]);
const columnNames = (): Promise<string[]> => page.getByTestId('fill-column').locator('h3').allTextContents();
/** The screen's notice, as its live region says it. */
const said = (): Promise<string | null> => playgroundNotice(page);

beforeAll(async () => {
  session = await startSession('model-rm');
  page = session.page;
  importModel(path.resolve('test/fixtures/t5/t5-tiny-spm'), 'spm idle');
  // builtin:byt5-tiny's folder is written on its first fill.
  spanfillJson(session.dataDir, ['fill', '--model', 'builtin:byt5-tiny', '--max-new-tokens', '1', 'a <extra_id_0>']);
  importModel(path.join(session.dataDir, 'models', 'builtin', 'byt5-tiny'), 'byt5 busy');
  await page.goto(session.url);
  await openScreen(page, 'playground');
  await page.getByTestId('prompt').waitFor();
});

afterAll(() => session?.close());

describe.runIf(process.platform === 'linux')('Playground: a model removed elsewhere', () => {
  it('says that the column of a model removed while no fill runs went, and why', async () => {
    await page.getByLabel(/spm idle/).check();
    await expect.poll(columnNames).toEqual(['builtin:byt5-tiny', 'spm idle']);
    removeModel('spm idle');
    await expect.poll(columnNames).toEqual(['builtin:byt5-tiny']);
    await expect.poll(said).toMatch(/^Model “spm idle” was removed elsewhere, so its column went: .*Models screen/);
  });

  it("stops the fill of a model removed mid-fill, says so, and the next column's fill goes on", async () => {
    await page.getByTestId('pick-builtin').uncheck();
    await page.getByLabel(/byt5 busy/).check();
    await page.locator('summary', { hasText: 'More models' }).click();
    await page.getByTestId('picker-folder').fill(path.join(session.dataDir, 'no-model-here'));
    await page.getByRole('button', { name: 'Add this folder' }).click();
    await expect.poll(columnNames).toEqual(['byt5 busy', 'no-model-here']);
    await page.getByTestId('prompt').fill('A <extra_id_0> fill <extra_id_1> removed.');
    await page.getByTestId('decoding-beam').check();
    await page.getByTestId('beams').fill('64');
    await page.getByTestId('max-new-tokens').fill('512');
    await page.getByTestId('fill').click();
    await page.getByTestId('fill-stop').waitFor();
    // The fill of the last test's notice took it away.
    await expect.poll(said).toBe(null);
    await page.waitForTimeout(3000);
    await expect(page.getByTestId('fill-text').count()).resolves.toBe(0); // byt5 busy still generating
    removeModel('byt5 busy');
    // (The terminal took seconds: the column is seen to go only then, and "soon" counts from there.)
    await expect.poll(columnNames).toEqual(['no-model-here']);
    await expect
      .poll(said)
      .toMatch(
        /^Model “byt5 busy” was removed elsewhere, so its fill was stopped and its column went: .*Models screen/,
      );
    // The next column's fill went on: the folder's error, soon (a minute later if byt5 busy's went on).
    await expect.poll(() => page.getByTestId('fill-error').count(), { timeout: soonMs }).toBe(1);
    await expect(page.getByTestId('fill-stop').count()).resolves.toBe(0);
    // Nothing is left generating for the column that went: the host goes quiet within seconds,
    // where the fill left running would keep it busy for about a minute.
    await expect.poll(() => engineHostCpuShare(2000), { timeout: soonMs, interval: 0 }).toBeLessThan(0.1);
  });

  it('logged no errors in the page', () => {
    expect(session.pageErrors).toEqual([]);
  });
});
