// Shared by the runs service tests: the configuration of a small run on the t5-tiny-spm
// fixture (short inputs, batch 2, two steps per call, checkpoints and evaluation every 4).
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../../../src/shared/contract/runs';
import { SPM } from '../cli/commands/train-support';

export function smallRunConfig(datasetId: string, extra: Partial<RunConfigInput> = {}): RunConfig {
  return runConfigSchema.parse({
    model: SPM,
    datasetId,
    inputLength: 16,
    masking: 'per-document',
    batchSize: 2,
    stepsPerCall: 2,
    maxSteps: 10,
    lr: 3e-3,
    checkpointEvery: 4,
    evalEvery: 4,
    ...extra,
  });
}
