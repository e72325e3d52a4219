// End-to-end for where a run starts and how it ends badly, against the built `spanfill serve`
// with a real store and real training of test/fixtures/t5/t5-tiny-spm (registered by name) on
// the CPU: a run whose engine host is killed (as the OS's out-of-memory killer would) shows its
// error and what to try; a run continues from that run's checkpoint, picked in the base model
// list; the form follows datasets, runs and models renamed, added and removed in a terminal
// while it is open (a removal heard while the form, opened again, reads the list among them); a
// T5 shape from scratch is offered with a tokenizer and estimated without writing weights, and
// the Models screen deletes its folders after a confirm; a run started in a
// terminal on the same data directory shows live, Stop on the page stops that process, and
// renaming and removing it in the terminal show on the page.
// Screenshots go to test-results/train-*.png. Needs `npm run build` first.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartPoints } from './charts';
import { storedRunHostPid } from '../support/store-peek';
import { accessibilityViolations } from './accessibility';
import { screenshotFailures } from './failureShot';
import { holdCalls } from './holdReply';
import { openScreen, openTrainForm } from './navigate';
import { importNotes, writeNotes } from './notes';
import { spanfillJson } from './serve';
import { resultsDir, startSession, type E2eSession } from './session';
import { estimateSteps, runViewStatus, scrollMainToTop, waitUntil } from './trainPage';

const tinySpm = path.resolve('test/fixtures/t5/t5-tiny-spm');
let session: E2eSession;
let page: Page;
let dataDir: string;
let datasetId: string;
let modelId: string;

beforeAll(async () => {
  session = await startSession('starts');
  ({ page, dataDir } = session);
  datasetId = importNotes(session);
  // A copy of the model registered by name: the host-killed run trains it by its id.
  const copy = path.join(session.dir, 'registered-spm');
  fs.cpSync(tinySpm, copy, { recursive: true });
  modelId = spanfillJson<{ model: { id: string } }>(dataDir, ['models', 'import', copy, '--name', 'tiny spm']).model.id;
  await page.goto(session.url);
});

afterAll(() => session?.close());

// A failed step leaves the screen as it was, for whoever reads the failure.
screenshotFailures('train', () => page);

const shot = (name: string) => page.screenshot({ path: path.join(resultsDir, `train-${name}.png`) });
const waitFor = (what: string, check: () => Promise<boolean>) => waitUntil(page, what, check);
const runStatus = () => runViewStatus(page);
const scrollToTop = () => scrollMainToTop(page);

describe('a run that fails, one that continues from a checkpoint, and a shape from scratch', () => {
  it("shows a failed run's error and what to try when its engine host dies", async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    await page.getByTestId('train-model').selectOption(modelId); // the registered copy, by id
    await page.getByTestId('train-length').fill('32');
    await page.getByTestId('train-steps').fill('3000');
    await page.getByTestId('train-eval-every').fill('0');
    await page.getByTestId('train-checkpoint-every').fill('20');
    await page.locator('details summary').click();
    await page.getByTestId('train-name').fill('host killed');
    await page.getByTestId('train-start').click();
    await page.getByTestId('run-view').waitFor();
    await waitFor('a checkpoint', async () => (await page.getByTestId('run-checkpoints').count()) > 0);
    const runId = /\br-[0-9a-f]{8}\b/.exec((await page.getByTestId('run-view').textContent()) ?? '')?.[0] ?? '';
    const hostPid = storedRunHostPid(dataDir, runId);
    expect(hostPid).toBeGreaterThan(0);
    process.kill(hostPid as number, 'SIGKILL');

    await waitFor('the run to fail', async () => (await runStatus()) === 'failed');
    const error = (await page.getByTestId('run-error').textContent()) ?? '';
    // The cause as reported, then what to try for that cause (runsFailure.ts: the host stopped).
    expect(error).toMatch(/^\s*Failed:\s*The engine host was killed by SIGKILL/);
    expect(error).toContain('The engine host stopped while training');
    // The CPU is offered as a way out only to a run that trained on another provider.
    expect(error).toMatch(
      /Its checkpoints are kept; Resume \(in a terminal: spanfill runs resume r-\w+[^)]*\) continues from the last one\. Should it stop again, it may need more memory than is free: start a new run with a smaller Batch size \(--batch-size\)(, a shorter Input length \(--input-length\), or provider cpu| or a shorter Input length \(--input-length\)), from its last checkpoint/,
    );
    expect(error).toContain(`spanfill runs resume ${runId}`);
    await expect(page.getByTestId('run-error').getAttribute('role')).resolves.toBe('alert');
    await expect(page.getByTestId('run-resume-hint').textContent()).resolves.toMatch(
      /Its last checkpoint \(step \d+\) is kept; Resume continues from there/,
    );
    await page.getByTestId('run-resume').waitFor();
    await scrollToTop();
    await shot('10-run-failed');
    expect(await accessibilityViolations(page)).toEqual([]);
    // A registered model by its name in the runs table (its id on hover).
    await openScreen(page, 'runs');
    const killed = page.getByTestId('runs-table').locator('tbody tr').filter({ hasText: 'host killed' });
    await expect.poll(() => killed.locator('td.model').textContent()).toBe('tiny spm');
    await expect(killed.locator('td.model').getAttribute('title')).resolves.toBe(modelId);
  });
  it("continues training from an earlier run's checkpoint, picked in the base model list", async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    // The list offers the best and last checkpoints of every run that is not training.
    const offered = page
      .getByTestId('train-model')
      .locator(`optgroup[label="Continue from a run's checkpoint"] option`);
    await offered.first().waitFor({ state: 'attached' });
    const labels = await offered.allTextContents();
    expect(labels.every((label) => /^run .+ · step \d+/.test(label))).toBe(true);
    const checkpoint = (await offered.first().getAttribute('value')) as string;
    expect(fs.existsSync(path.join(checkpoint, 'model.safetensors'))).toBe(true);
    await page.getByTestId('train-model').selectOption(checkpoint);
    await expect.poll(() => page.getByTestId('train-model-path').count()).toBe(0);
    await page.getByTestId('train-steps').fill('20');
    await page.getByTestId('train-eval-every').fill('0');
    await page.getByTestId('train-checkpoint-every').fill('20');
    await page.getByTestId('train-start').click();
    await page.getByTestId('run-view').waitFor();
    await waitFor('the run to complete', async () => (await runStatus()) === 'completed');
    // Named by the run and step it continues, not by the checkpoint folder's name, with a link to that run.
    const [, source, step] = /[\\/]runs[\\/](r-\w+)[\\/]checkpoints[\\/]step-0*(\d+)$/.exec(checkpoint) ?? [];
    await expect(page.locator('#run-title').textContent()).resolves.toBe(`${source} step ${step} on notes.txt`);
    await expect(page.getByTestId('run-origin').textContent()).resolves.toBe(`${source} step ${step}`);
    await expect(page.getByTestId('run-origin').getAttribute('title')).resolves.toBe(checkpoint);
    await scrollToTop();
    await shot('11-run-continued');
    const continued = await page.getByTestId('run-view').getAttribute('data-run-id');
    await page.getByTestId('run-origin').click();
    await expect.poll(() => page.getByTestId('run-view').getAttribute('data-run-id')).toBe(source);
    expect(source).not.toBe(continued);
    // Deleting the run it continues says what that takes from this one; Keep (which has the focus:
    // Enter) leaves both.
    await openScreen(page, 'runs');
    const sourceRow = page.getByTestId(`run-row-${source}`);
    await sourceRow.getByTestId('run-delete').click();
    // (Polled: the size comes with the run's details, read as the screen opens.)
    await expect
      .poll(() => sourceRow.getByTestId('run-delete-question').textContent())
      .toMatch(
        new RegExp(
          `and its checkpoints \\(\\d+(\\.\\d)? (KiB|MiB)\\)\\? .*${source} step ${step} on notes\\.txt continued from them and could not be resumed`,
        ),
      );
    await page.keyboard.press('Enter');
    await expect.poll(() => sourceRow.getByTestId('run-delete-question').count()).toBe(0);
  });

  it('follows datasets, runs and models renamed, added and removed in a terminal while the form is open', async () => {
    await openTrainForm(page);
    const select = page.getByTestId('train-model');
    const [newest] = spanfillJson<{ runs: { id: string }[] }>(dataDir, ['runs']).runs;
    const ofNewest = select.locator(`option[value*="${newest.id}"]`);
    await ofNewest.first().waitFor({ state: 'attached' });
    await select.selectOption((await ofNewest.first().getAttribute('value')) as string);
    spanfillJson(dataDir, ['runs', 'rename', newest.id, 'renamed while picked']);
    await waitFor('the new name', async () =>
      /^run renamed while picked · step/.test(await ofNewest.first().innerText()),
    );
    // A dataset imported in the terminal is offered; picked, then removed there, the form says so.
    const spare = path.join(session.dir, 'spare.txt');
    writeNotes(spare, { docs: 6, words: 20, stride: 5 });
    const spareId = spanfillJson<{ id: string }>(dataDir, ['import', spare]).id;
    const datasets = page.getByTestId('train-dataset');
    await waitFor(
      'the imported dataset',
      async () => (await datasets.locator(`option[value="${spareId}"]`).count()) === 1,
    );
    await datasets.selectOption(spareId);
    spanfillJson(dataDir, ['datasets', 'rm', spareId]);
    await expect(page.getByTestId('train-dataset-gone').textContent({ timeout: 10_000 })).resolves.toBe(
      'The dataset picked was removed: pick another to train on.',
    );
    await datasets.selectOption(datasetId);
    await expect.poll(() => page.getByTestId('train-dataset-gone').count()).toBe(0);
    // Removed while another screen is open: the form says so when it opens again (was a blank box).
    const later = spanfillJson<{ id: string }>(dataDir, ['import', spare, '--name', 'later']).id;
    await waitFor('the later import', async () => (await datasets.locator(`option[value="${later}"]`).count()) === 1);
    await datasets.selectOption(later);
    await openScreen(page, 'datasets');
    spanfillJson(dataDir, ['datasets', 'rm', later]);
    await openTrainForm(page);
    await expect(page.getByTestId('train-dataset-gone').textContent({ timeout: 10_000 })).resolves.toBe(
      'The dataset picked was removed: pick another to train on.',
    );
    await datasets.selectOption(datasetId);
    // A model registered in the terminal joins the list; picked, then removed there, it goes and the form says so.
    const checkpoint = await select.inputValue();
    const copy = path.join(session.dir, 'second-spm');
    fs.cpSync(tinySpm, copy, { recursive: true });
    const second = spanfillJson<{ model: { id: string } }>(dataDir, ['models', 'import', copy, '--name', 'second spm']);
    const secondOption = select.locator(`option[value="${second.model.id}"]`);
    await waitFor('the registered model', async () => (await secondOption.count()) === 1);
    await select.selectOption(second.model.id);
    spanfillJson(dataDir, ['models', 'rm', second.model.id]);
    await expect(page.getByTestId('train-model-gone').textContent({ timeout: 10_000 })).resolves.toBe(
      'Model second spm was removed: pick another base model.',
    );
    expect(await secondOption.count()).toBe(0);
    await select.selectOption(checkpoint);
    // The picked checkpoint's run removed: the choice goes blank and says why, and Start waits.
    spanfillJson(dataDir, ['runs', 'rm', newest.id]);
    await expect(page.getByTestId('train-model-gone').textContent({ timeout: 10_000 })).resolves.toMatch(
      /^run renamed while picked · step \d+.* is no longer offered \(its run was removed or is training again\): pick another base model\.$/,
    );
    await expect(select.inputValue()).resolves.toBe('');
    await expect(page.getByTestId('train-start').isDisabled()).resolves.toBe(true);
    await shot('13-train-model-gone');
    await select.selectOption('builtin:byt5-tiny');
    await expect.poll(() => page.getByTestId('train-model-gone').count()).toBe(0);
  }, 120_000); // (nine terminal commands, each a Node start: seconds apiece on a loaded machine)

  // The ordering of a fresh-clone CI failure: the form, opened again, asks for the datasets; the
  // serve's watcher (it looks every second) says the pick was removed before the list comes back.
  // The list took the blank pick for a fresh form's and picked the newest: the line went.
  it('says the dataset picked was removed when that is heard while the reopened form reads the list', async () => {
    const opening = await session.context.newPage();
    try {
      const lists = await holdCalls(opening, 'datasets.list');
      await opening.goto(session.url);
      const file = path.join(session.dir, 'heard.txt');
      writeNotes(file, { docs: 6, words: 20, stride: 5 });
      const heard = spanfillJson<{ id: string }>(dataDir, ['import', file, '--name', 'heard']).id;
      await openTrainForm(opening);
      const datasets = opening.getByTestId('train-dataset');
      const offered = async () => (await datasets.locator(`option[value="${heard}"]`).count()) === 1;
      await waitUntil(opening, 'the import', offered);
      await datasets.selectOption(heard);
      await openScreen(opening, 'datasets');
      lists.hold();
      await openTrainForm(opening);
      await waitUntil(opening, "the form's read of the list", async () => lists.held() > 0);
      spanfillJson(dataDir, ['datasets', 'rm', heard]);
      const gone = opening.getByTestId('train-dataset-gone');
      const saysGone = 'The dataset picked was removed: pick another to train on.';
      await expect(gone.textContent({ timeout: 10_000 }), 'the removal heard').resolves.toBe(saysGone);
      const answered = lists.answered() + lists.held();
      lists.release();
      await waitUntil(opening, 'the list', async () => lists.answered() >= answered);
      await opening.waitForTimeout(500); // (for the page to take the list in)
      await expect(datasets.inputValue(), 'no dataset picked instead').resolves.toBe('');
      await expect(gone.textContent({ timeout: 1000 }), 'the line once the list is in').resolves.toBe(saysGone);
    } finally {
      await opening.close();
    }
  });

  it('offers a T5 shape from scratch with a tokenizer, estimates it without writing weights, and clears its folders', async () => {
    await openTrainForm(page);
    await page.getByTestId('train-dataset').selectOption(datasetId);
    const shapes = page
      .getByTestId('train-model')
      .locator('optgroup[label="Start from scratch (random weights)"] option');
    await expect(shapes.allTextContents()).resolves.toContain('t5-small shape, random weights');
    await expect(page.getByTestId('train-tokenizer').count()).resolves.toBe(0);
    await page.getByTestId('train-model').selectOption('preset:t5-small');
    // Bytes to start with; a registered model's tokenizer is offered too.
    await expect.poll(() => page.getByTestId('train-tokenizer').inputValue()).toBe('bytes');
    await expect(page.getByTestId('train-tokenizer').locator('option').allTextContents()).resolves.toContain(
      "tiny spm's tokenizer",
    );
    await page.getByTestId('train-tokenizer').selectOption(modelId);
    await page.getByTestId('train-length').fill('32');
    await page.getByTestId('train-steps').fill('40');
    await waitFor('the estimate', async () => /^\s*40 \(about/.test(await estimateSteps(page)));
    await expect(page.getByTestId('train-estimate-error').count()).resolves.toBe(0);
    await shot('12-train-from-scratch');
    expect(await accessibilityViolations(page)).toEqual([]);
    // The estimate read the shape from a folder without weights.
    const presets = path.join(dataDir, 'models', 'preset');
    const folders = fs.readdirSync(presets);
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders)
      expect(fs.readdirSync(path.join(presets, folder)).filter((f) => f.endsWith('.safetensors'))).toEqual([]);
    // The Models screen counts these starting points and deletes them after a confirm.
    await openScreen(page, 'models');
    await expect(page.getByTestId('scratch-usage').textContent()).resolves.toContain(presets);
    await page.getByRole('button', { name: 'Delete the from-scratch starting points' }).click();
    await expect(page.getByTestId('scratch-remove').textContent()).resolves.toContain(
      `Delete ${folders.length} folder`,
    );
    await page.getByTestId('scratch-remove').getByRole('button', { name: 'Yes, delete' }).click();
    await expect
      .poll(() => page.getByTestId('models-notice').textContent())
      .toMatch(new RegExp(`^Deleted ${folders.length} from-scratch starting point`));
    // (The notice comes before the screen's lists are read again: wait for the usage line to go.)
    await expect.poll(() => page.getByTestId('scratch-usage').count()).toBe(0);
    expect(fs.existsSync(presets)).toBe(false);
    expect(await accessibilityViolations(page)).toEqual([]);
  });

  it('follows a run started in a terminal on the same data directory, live, and stops it from the page', async () => {
    const before = spanfillJson<{ runs: unknown[] }>(dataDir, ['runs']).runs.length;
    await openScreen(page, 'runs');
    const rows = page.locator('tr[data-testid^="run-row-"]');
    await waitFor('the runs so far', async () => (await rows.count()) === before);
    // As a person would in another terminal: `spanfill train` (its own process, writing the store),
    // far longer than the test: the page stops it.
    const terminal = spawn(
      process.execPath,
      [
        'bin/spanfill.mjs',
        'train',
        ...['--dataset', datasetId, '--model', tinySpm, '--name', 'from a terminal', '--max-steps', '100000'],
        ...['--input-length', '32', '--batch-size', '2', '--steps-per-call', '2', '--data-dir', dataDir],
      ],
      { stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => terminal.on('exit', resolve));
    try {
      await waitFor('its row', async () => (await rows.count()) === before + 1);
      const row = rows.filter({ hasText: 'from a terminal' });
      await waitFor('it to train', async () => (await row.getByTestId('run-status').textContent()) === 'running');
      await row.getByTestId('run-open').click();
      await waitFor('loss points', async () => (await chartPoints(page, 'chart-loss')) > 0);
      const early = await chartPoints(page, 'chart-loss');
      await waitFor('the curve to grow', async () => (await chartPoints(page, 'chart-loss')) >= early + 20);
      // Stop asks that process to stop with a checkpoint; the page hears of it from the store.
      await page.getByTestId('run-stop').click();
      await waitFor('the run to stop', async () => (await runStatus()) === 'stopped');
      await expect(exited).resolves.toBe(0);
      const [newest] = spanfillJson<{ runs: { id: string; name: string; step: number }[] }>(dataDir, ['runs']).runs;
      expect(newest.name).toBe('from a terminal');
      const stoppedAt = newest.step;
      await waitFor('every loss point', async () => (await chartPoints(page, 'chart-loss')) === stoppedAt);
      await expect(page.getByTestId('run-checkpoints').textContent()).resolves.toContain(
        stoppedAt.toLocaleString('en'),
      );
      await shot('10-run-from-terminal');
      // Renamed, then removed from the terminal (`spanfill runs rename`, `rm`): the page shows the
      // new name, then closes its view, says why, and the Runs list drops it.
      spanfillJson(dataDir, ['runs', 'rename', newest.id, 'renamed in a terminal']);
      await waitFor(
        'the new name',
        async () => (await page.locator('#run-title').textContent()) === 'renamed in a terminal',
      );
      spanfillJson(dataDir, ['runs', 'rm', newest.id]);
      await expect(page.getByTestId('train-notice').textContent({ timeout: 10_000 })).resolves.toBe(
        `Run renamed in a terminal (${newest.id}) was removed, with its checkpoints.`,
      );
      await openScreen(page, 'runs');
      await waitFor('its row to go', async () => (await rows.count()) === before);
    } finally {
      terminal.kill();
    }
  }, 120_000); // (a training process of its own, and twenty loss points to wait for)
});
