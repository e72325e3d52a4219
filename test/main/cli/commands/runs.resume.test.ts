// `spanfill runs resume ID --json` prints what `train --json` prints for the run it follows
// (runId, status, step, losses, warnings at the top level, README's "the result's status"),
// with the action beside them as the other runs actions have it; it printed them under `result`.

import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../../src/main/cli/command';
import { runsCommand } from '../../../../src/main/cli/commands/runs';
import { runConfigSchema } from '../../../../src/shared/contract/runs';

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
    // The text is train's: its last line says how the run ended.
    expect(runsCommand.render?.(result)).toMatch(/^run r-1 paused at step 4\nloss 2\.0000 → 1\.5000$/);
  });
});
