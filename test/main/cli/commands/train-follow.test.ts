// followRun (src/main/cli/commands/train.ts), what `spanfill train` and `runs resume` do while a
// run trains, with Ctrl-C: a Ctrl-C that landed while the run was still starting (the signal
// already aborted when followRun begins) must stop the run, where it used to train on to its
// end and then claim "stopped … with a checkpoint"; the message says whether a checkpoint
// exists; a run that completed before the stop took effect is reported as completed; a Ctrl-C
// while it trains says at once that it stops when the call in progress ends, and what a second
// Ctrl-C does (a slow step was minutes of silence, probe-74). A run
// paused or stopped from another process ends the command as a success (exit 0), as `train
// --help` says, with its status in the result.
import { describe, expect, it } from 'vitest';
import { InterruptedError, type CommandContext } from '../../../../src/main/cli/command';
import { followRun, trainCommand } from '../../../../src/main/cli/commands/train';
import type { RunSummary } from '../../../../src/shared/contract/runs';

const run: RunSummary = {
  id: 'r-1',
  name: 'a run',
  status: 'running',
  datasetId: 'ds-1',
  model: 'builtin:byt5-tiny',
  step: 0,
  totalSteps: 20,
  createdAt: '2026-12-05T00:00:00.000Z',
  startedAt: '2026-12-05T00:00:00.000Z',
  finishedAt: null,
  elapsedMs: 0,
  error: null,
  provider: 'cpu',
};

/** A context whose signal Ctrl-C already aborted, over a runs service where a stop ends the run as `onStop` says. */
function interruptedContext(onStop: () => RunSummary, checkpoints: number[], dataDirFlag?: string) {
  const stops: string[] = [];
  let end: (summary: RunSummary) => void = () => undefined;
  const ended = new Promise<RunSummary>((resolve) => (end = resolve));
  const runs = {
    stop: async (id: string) => {
      stops.push(id);
      end(onStop());
      return ended;
    },
    wait: () => ended,
    metrics: (ids: string[]) => ({ [ids[0]]: { loss: { steps: [1], values: [6.5] } } }),
    checkpoints: () => checkpoints.map((step) => ({ step })),
    get: () => ({ ...run, config: { stepsPerCall: 1 }, last: { loss: 6.5 } }),
  };
  const app = { events: { subscribe: () => () => undefined }, runs };
  const controller = new AbortController();
  controller.abort();
  const context = {
    signal: controller.signal,
    status: () => undefined,
    app: () => app,
    dataDir: dataDirFlag === undefined ? '/home/u/.local/share/spanfill' : `/abs/${dataDirFlag}`,
    env: {},
    string: (name: string) => (name === 'data-dir' ? dataDirFlag : undefined),
  } as unknown as CommandContext;
  return { context, stops };
}

describe('followRun after a Ctrl-C that came while the run was starting', () => {
  it('stops the run, and says it starts over when it stopped before its first checkpoint', async () => {
    const { context, stops } = interruptedContext(() => ({ ...run, status: 'stopped', step: 0 }), []);
    const followed = followRun(context, run);
    await expect(followed).rejects.toBeInstanceOf(InterruptedError);
    await expect(followed).rejects.toThrow(
      'stopped at step 0, before its first checkpoint; `spanfill runs resume r-1` starts it over',
    );
    expect(stops).toEqual(['r-1']);
  });

  it('says it continues from the checkpoint when there is one', async () => {
    const { context } = interruptedContext(() => ({ ...run, status: 'stopped', step: 3 }), [3]);
    await expect(followRun(context, run)).rejects.toThrow(
      'stopped at step 3 with a checkpoint; `spanfill runs resume r-1` continues it',
    );
  });

  it('names the --data-dir given, so the resume command pasted reaches the same run', async () => {
    const { context } = interruptedContext(() => ({ ...run, status: 'stopped', step: 3 }), [3], 'a b');
    await expect(followRun(context, run)).rejects.toThrow(
      "stopped at step 3 with a checkpoint; `spanfill runs resume r-1 --data-dir '/abs/a b'` continues it",
    );
  });

  it('reports a run that completed before the stop took effect as completed, not stopped', async () => {
    const { context } = interruptedContext(() => ({ ...run, status: 'completed', step: 20 }), [20]);
    await expect(followRun(context, run)).resolves.toMatchObject({ runId: 'r-1', status: 'completed', step: 20 });
  });
});

describe('followRun when Ctrl-C comes while the run trains', () => {
  it.each([
    [1, 'the step'],
    [10, 'the 10 steps'],
  ])(
    'with %i step(s) a call: says at once that the run stops when they end with a checkpoint, and what Ctrl-C again does',
    async (stepsPerCall, steps) => {
      const lines: string[] = [];
      let end: (summary: RunSummary) => void = () => undefined;
      const ended = new Promise<RunSummary>((resolve) => (end = resolve));
      const stops: string[] = [];
      const runs = {
        // A slow step: the stop is asked for now and takes effect when the engine call ends.
        stop: (id: string) => (stops.push(id), ended),
        wait: () => ended,
        metrics: (ids: string[]) => ({ [ids[0]]: { loss: { steps: [1], values: [6.5] } } }),
        checkpoints: () => [{ step: 1 }],
        get: () => ({ ...run, config: { stepsPerCall }, last: { loss: 6.5 } }),
      };
      const controller = new AbortController();
      const context = {
        signal: controller.signal,
        status: (line: string) => void lines.push(line),
        app: () => ({ events: { subscribe: () => () => undefined }, runs }),
        dataDir: '/d',
        env: {},
        string: () => undefined,
      } as unknown as CommandContext;
      const followed = followRun(context, run);
      controller.abort();
      expect(stops).toEqual(['r-1']);
      expect(lines).toEqual([
        `stopping run r-1 at the end of ${steps} it is training, with a checkpoint (a slow step can take minutes); ` +
          'Ctrl-C again stops at once without one, and `spanfill runs resume r-1` then continues from the last ' +
          'checkpoint saved before it (the beginning when there is none)',
      ]);
      end({ ...run, status: 'stopped', step: 1 });
      await expect(followed).rejects.toBeInstanceOf(InterruptedError);
    },
  );
});

describe('followRun of a run paused or stopped from another process', () => {
  it('returns the run with that status (exit 0, as --help says), not an error', async () => {
    for (const status of ['paused', 'stopped'] as const) {
      const ended: RunSummary = { ...run, status, step: 7 };
      const runs = {
        wait: async () => ended,
        metrics: (ids: string[]) => ({ [ids[0]]: { loss: { steps: [1], values: [6.5] } } }),
        get: () => ({ ...ended, last: { loss: 6.5 } }),
      };
      const app = { events: { subscribe: () => () => undefined }, runs };
      const signal = new AbortController().signal;
      const context = {
        signal,
        status: () => undefined,
        app: () => app,
        dataDir: '/d',
        env: {},
        string: () => undefined,
      } as unknown as CommandContext;
      await expect(followRun(context, run)).resolves.toMatchObject({ runId: 'r-1', status, step: 7 });
    }
    expect(trainCommand.description).toMatch(
      /exits 0 when the run completes and also when it is paused or stopped from elsewhere .*status in --json/,
    );
  });
});
