// Crash safety through the CLI: a real `spanfill train` process (and its engine host) is
// killed with SIGKILL at three different moments; every checkpoint folder left behind is
// whole; the next command finds the run interrupted, and `spanfill runs resume` ends with the
// same final parameters and the same loss series as a run that was never killed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadT5Config } from '../../../../src/main/engine/t5/config';
import { readCheckpoint } from '../../../../src/main/engine/train/checkpoint';
import { jsonResult } from '../../../support/cli';
import { startCli, type CliProcess } from '../../../support/cli-process';
import { tempDirs } from '../../../support/tmp';
import { importTexts, KILL_TEXTS, smallRunFlags, spanfillIn, SPM } from './train-support';

const tempDir = tempDirs('spanfill-train-kill-');
const STEPS = 40;
const started: CliProcess[] = [];
afterEach(() => started.splice(0).forEach((cli) => cli.kill()));

interface TrainJson {
  runId: string;
  status: string;
  losses: number[];
}

function finalWeights(dataDir: string, runId: string): Buffer {
  return readFileSync(
    join(dataDir, 'runs', runId, 'checkpoints', `step-${String(STEPS).padStart(8, '0')}`, 'model.safetensors'),
  );
}

/** Every step-N folder in the run's checkpoint folder loads completely (no half-written checkpoint). */
function expectWholeCheckpoints(root: string): number {
  const config = loadT5Config(SPM);
  const steps = readdirSync(root).filter((name) => /^step-\d{8}$/.test(name));
  for (const name of steps) expect(() => readCheckpoint(join(root, name), config), name).not.toThrow();
  return steps.length;
}

/** Polls `condition`; fails at once (with the command's stderr) if `cli` ends first, so a quick failure is not reported as a timeout. */
async function waitFor(cli: CliProcess, condition: () => boolean, what: string, ms = 120_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (condition()) return;
    if (cli.child.exitCode !== null || cli.child.signalCode !== null)
      throw new Error(
        `the command ended (${cli.child.exitCode ?? cli.child.signalCode}) before ${what}:\n${cli.stderr()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}; its stderr so far:\n${cli.stderr()}`);
}

describe('spanfill train killed with SIGKILL', () => {
  it('resumes to the same parameters and loss series, from three different moments', async () => {
    const straightDir = tempDir();
    const straightSet = await importTexts(straightDir, KILL_TEXTS);
    const straight = await spanfillIn(straightDir, [...smallRunFlags(straightSet, STEPS), '--json']);
    expect(straight.code, straight.stderr).toBe(0);
    const reference = jsonResult<TrainJson>(straight.stdout);
    const referenceWeights = finalWeights(straightDir, reference.runId);

    for (const killAfterStep of [4, 16, 30]) {
      const dataDir = tempDir();
      const dataset = await importTexts(dataDir, KILL_TEXTS);
      const cli = startCli([...smallRunFlags(dataset, STEPS), '--data-dir', dataDir]);
      started.push(cli);
      const runs = join(dataDir, 'runs');
      const checkpointRoot = (): string | undefined => {
        const id = existsSync(runs) ? readdirSync(runs).find((name) => name.startsWith('r-')) : undefined;
        return id && join(runs, id, 'checkpoints');
      };
      const reached = (): boolean => {
        const root = checkpointRoot();
        if (!root || !existsSync(root)) return false;
        return readdirSync(root).some((name) => /^step-\d{8}$/.test(name) && Number(name.slice(5)) >= killAfterStep);
      };
      await waitFor(cli, reached, `a checkpoint at step ≥ ${killAfterStep}`);
      cli.kill();
      expect(await cli.status).toBe(128 + 9);
      const root = checkpointRoot() as string;
      expect(expectWholeCheckpoints(root)).toBeGreaterThan(0);

      const list = await spanfillIn(dataDir, ['runs', 'list', '--json']);
      const [run] = jsonResult<{ runs: { id: string; status: string; step: number }[] }>(list.stdout).runs;
      expect(run.status).toBe('interrupted');
      const resumed = await spanfillIn(dataDir, ['runs', 'resume', run.id, '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      const result = jsonResult<TrainJson>(resumed.stdout);
      console.log(`killed at step ${run.step} (asked ≥ ${killAfterStep}), resumed to ${result.status}`);
      expect(result.status).toBe('completed');
      expect(result.losses).toEqual(reference.losses);
      expect(finalWeights(dataDir, run.id).equals(referenceWeights)).toBe(true);
      expectWholeCheckpoints(root);
    }
  }, 300_000);

  it('Ctrl-C stops with a final checkpoint (exit 130); `runs stop` from another process stops it too', async () => {
    const dataDir = tempDir();
    const dataset = await importTexts(dataDir, KILL_TEXTS);
    const listRuns = async () =>
      jsonResult<{ runs: { id: string; status: string; step: number }[] }>(
        (await spanfillIn(dataDir, ['runs', 'list', '--json'])).stdout,
      ).runs;
    // Far more steps than either process can run before it is stopped: under load the Ctrl-C
    // can land well after the first progress line (once at step 1478), and a resumed run that
    // reaches the end before its first progress line would leave nothing to stop.
    const steps = ['--max-steps', '10000000', '--checkpoint-every', '0', '--eval-every', '0'];
    const first = startCli([...smallRunFlags(dataset, STEPS), ...steps, '--data-dir', dataDir]);
    started.push(first);
    await waitFor(first, () => /step \d+\/10000000 {2}loss/.test(first.stderr()), 'progress on stderr');
    const { status } = await first.ctrlC();
    expect(status).toBe(130);
    // Said once, as the command's last word, and not the runner's "nothing half-done was kept".
    // (With the --data-dir it was given, so that pasted it resumes this run: nextCommand.ts.)
    expect(first.stderr()).toMatch(
      new RegExp(
        `\\nspanfill train: stopped at step (\\d+) with a checkpoint; \`spanfill runs resume r-\\w+ ` +
          `--data-dir ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` continues it\\n$`,
      ),
    );
    expect(first.stderr().match(/stopped at step/g)).toHaveLength(1);
    const [stopped] = await listRuns();
    expect(stopped.status).toBe('stopped');
    const show = await spanfillIn(dataDir, ['runs', 'show', stopped.id, '--json']);
    const detail = jsonResult<{ run: { checkpoints: { step: number }[] } }>(show.stdout).run;
    expect(detail.checkpoints.map((c) => c.step)).toEqual([stopped.step]);

    const second = startCli(['runs', 'resume', stopped.id, '--data-dir', dataDir]);
    started.push(second);
    await waitFor(second, () => /step \d+\/10000000 {2}loss/.test(second.stderr()), 'the resumed run to progress');
    const stop = await spanfillIn(dataDir, ['runs', 'stop', stopped.id, '--json']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(jsonResult<{ run: { status: string } }>(stop.stdout).run.status).toBe('stopped');
    expect(await second.status).toBe(0);
    const [again] = await listRuns();
    expect(again.step).toBeGreaterThan(stopped.step);
  }, 180_000);

  it('SIGTERM or SIGHUP to the whole group (a supervisor, a closed terminal) stops it as Ctrl-C does', async () => {
    const dataDir = tempDir();
    const dataset = await importTexts(dataDir, KILL_TEXTS);
    const steps = ['--max-steps', '10000000', '--checkpoint-every', '0', '--eval-every', '0'];
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const cli = startCli([...smallRunFlags(dataset, STEPS), ...steps, '--data-dir', dataDir]);
      started.push(cli);
      await waitFor(cli, () => /step \d+\/10000000 {2}loss/.test(cli.stderr()), 'progress on stderr');
      const { status } = await cli.stopWith(signal);
      // The engine host got the signal too: it leaves the stop to the command, which checkpoints.
      expect(cli.stderr(), signal).toMatch(/\nspanfill train: stopped at step \d+ with a checkpoint; /);
      expect(status, signal).toBe(130);
    }
    const runs = jsonResult<{ runs: { status: string }[] }>(
      (await spanfillIn(dataDir, ['runs', 'list', '--json'])).stdout,
    ).runs;
    expect(runs.map((run) => run.status)).toEqual(['stopped', 'stopped']);
  }, 180_000);
});
