// Shared by the runs service tests: the configuration of a small run on the t5-tiny-spm
// fixture (short inputs, batch 2, two steps per call, checkpoints and evaluation every 4), and
// services opened on a fresh data directory holding a small dataset.
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../../../src/shared/contract/runs';
import { AppServices } from '../../../src/main/services/app';
import { importTexts, KILL_TEXTS, SPM } from '../cli/commands/train-support';

/** The small run's fields, before the schema fills in the rest (for requests that leave fields out). */
export function smallRunFields(datasetId: string) {
  return {
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
  } as const;
}

export function smallRunConfig(datasetId: string, extra: Partial<RunConfigInput> = {}): RunConfig {
  return runConfigSchema.parse({ ...smallRunFields(datasetId), ...extra });
}

/** KILL_TEXTS imported into `dataDir`, then the services open on it (added to `opened`, for closing). */
export async function openWithDataset(dataDir: string, opened: AppServices[]) {
  const datasetId = await importTexts(dataDir, KILL_TEXTS);
  const app = new AppServices({ dataDir, env: {} });
  opened.push(app);
  return { app, datasetId, dataDir };
}
