// `spanfill runs resume ID --json` prints what `train --json` prints for the run it follows
// (runId, status, step, losses, warnings at the top level, README's "the result's status"),
// with the action beside them as the other runs actions have it; it printed them under `result`.
// --from-start and --keep-last N (the run's new Checkpoints kept, a bad value refused as train refuses
// it) reach the service, and only runs resume takes them.

import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../../src/main/cli/command';
import { runsCommand } from '../../../../src/main/cli/commands/runs';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runConfigSchema } from '../../../../src/shared/contract/runs';
import { runSpanfill as cli } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-runs-resume-cli-');

/** A run that the services resume and that ends paused at step 4, its losses 2 then 1.5. */
function contextOf(): CommandContext {
  const summary = { id: 'r-1', status: 'paused', step: 4, totalSteps: 8, provider: 'cpu' };
  const config = runConfigSchema.parse({ datasetId: 'ds-1', model: 'builtin:byt5-tiny', maxSteps: 8 });
  return {
    positionals: ['resume', 'r-1'],
    dataDir: '/nowhere',
    env: {},
    signal: new AbortController().signal,
    flag: () => false,
    string: () => undefined,
    status: () => undefined,
    app: () => ({
      events: { subscribe: () => () => undefined },
      runs: {
        idOf: (ref: string) => ref,
        resume: () => Promise.resolve({ ...summary, step: 2, status: 'running' }),
        wait: () => Promise.resolve(summary),
        metrics: () => ({ 'r-1': { loss: { values: [2, 1.5] } } }),
        get: () => ({ ...summary, config, checkpoints: [], last: { loss: 1.5 } }),
        checkpoints: () => [],
        stop: () => Promise.resolve(summary),
      },
    }),
  } as unknown as CommandContext;
}

describe('runs resume --json', () => {
  it("has the run's status, step and losses at the top level, as train --json has them", async () => {
    const result = await runsCommand.run(contextOf());
    expect(result).toMatchObject({ action: 'resume', runId: 'r-1', status: 'paused', step: 4, losses: [2, 1.5] });
    expect(result).not.toHaveProperty('result');
    // The text is train's: its first line says how the run ended (the losses follow).
    expect(runsCommand.render?.(result)).toMatch(/^run r-1 paused at step 4\nloss 2\.0000 → 1\.5000$/);
  });
});

/** `spanfill runs ARGS` with these flags (true: a flag without a value), the service's resume recording what it was asked. */
function contextWith(positionals: string[], flags: Record<string, string | true>, asked: unknown[]): CommandContext {
  return {
    positionals,
    flag: (name: string) => flags[name] === true,
    string: (name: string) => (typeof flags[name] === 'string' ? flags[name] : undefined),
    app: () => ({
      runs: {
        idOf: (ref: string) => ref,
        resume: (...args: unknown[]) => {
          asked.push(args[2]);
          return Promise.reject(new Error('not resumed here'));
        },
      },
    }),
  } as unknown as CommandContext;
}

describe('runs resume --from-start', () => {
  it('asks the service to start again from step 0, and is refused by the other actions', async () => {
    const asked: unknown[] = [];
    const flags = { 'from-start': true } as const;
    await expect(runsCommand.run(contextWith(['resume', 'r-1'], flags, asked))).rejects.toThrow('not resumed here');
    expect(asked).toEqual([{ fromStart: true }]);
    await expect(runsCommand.run(contextWith(['show', 'r-1'], flags, asked))).rejects.toThrow(
      '--from-start is for runs resume, not runs show',
    );
  });
});

describe('runs resume --keep-last', () => {
  it('asks the service to keep that many checkpoints from now on, and only a resume takes it', async () => {
    const asked: unknown[] = [];
    await expect(runsCommand.run(contextWith(['resume', 'r-1'], { 'keep-last': '1' }, asked))).rejects.toThrow(
      'not resumed here',
    );
    expect(asked).toEqual([{ fromStart: false, keepLast: 1 }]);
    await expect(runsCommand.run(contextWith(['show', 'r-1'], { 'keep-last': '1' }, asked))).rejects.toThrow(
      '--keep-last is for runs resume, not runs show',
    );
  });
  it('refuses a value a run cannot keep, in the words train uses for its --keep-last, before resuming', async () => {
    const dataDir = tempDir();
    for (const bad of ['0', '2.0', 'two', '100000']) {
      const asTrain = await cli([
        'train',
        '--preset',
        'quick',
        '--dataset',
        'ds-x',
        '--keep-last',
        bad,
        '--data-dir',
        dataDir,
      ]);
      const out = await cli(['runs', 'resume', 'r-none', '--keep-last', bad, '--data-dir', dataDir]);
      expect(out.code, out.stderr).toBe(exitCodes.usage);
      expect(out.stderr).toMatch(/^spanfill runs: --keep-last /);
      // The same sentence as train's refusal of the same value.
      const said = (text: string) => text.split('\n')[0].replace(/^spanfill \w+: /, '');
      expect(said(out.stderr)).toBe(said(asTrain.stderr));
      expect(out.stderr).not.toContain('No run r-none');
    }
    const help = (await cli(['runs', '--help'])).stdout;
    expect(help).toMatch(/--keep-last N +resume: keep the last N checkpoints/);
  });
});
