// services/export.ts runConfigOfRun: a run's stored settings as an accelerate job's, for a run
// stored before new runs' masking bounds too (its density below them, which it trained with).
import { describe, expect, it } from 'vitest';
import { runConfigOfRun } from '../../../src/main/services/export';
import { runConfigSchema, type RunDetail } from '../../../src/shared/contract/runs';

describe('runConfigOfRun', () => {
  it('a run stored before the masking bounds, at a lower density, still exports its settings', () => {
    const config = runConfigSchema.parse({ model: '/m', datasetId: 'd-1', noiseDensity: 0.0005, maxSteps: 10 });
    const run = { totalSteps: 10, config } as unknown as RunDetail;
    expect(runConfigOfRun(run)).toMatchObject({ noiseDensity: 0.0005, maxSteps: 10 });
  });
});
