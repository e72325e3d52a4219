// Shared by the runs service tests: the configuration of a small run on the t5-tiny-spm
// fixture (short inputs, batch 2, two steps per call, checkpoints and evaluation every 4),
// services opened on a fresh data directory holding a small dataset (runsServiceKit: for
// runs.test.ts and runs-resume.test.ts), a wait for a run's progress or checkpoint event, and a
// checkpoint folder that reads whole without weights worth loading (fakeCheckpoint).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../../../src/shared/contract/runs';
import type { EventMap } from '../../../src/shared/events';
import { AppServices } from '../../../src/main/services/app';
import { encodeSafetensors } from '../../../src/main/engine/formats/safetensors';
import {
  OPTIMIZER_FILE,
  TRAINER_STATE_FILE,
  TRAINER_STATE_FORMAT,
  TRAINER_STATE_VERSION,
} from '../../../src/main/engine/train/checkpoint';
import { tempDirs } from '../../support/tmp';
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

export interface RunsServiceKit {
  /** A fresh directory, removed after the test. */
  readonly tempDir: () => string;
  /** The services open in this test, closed after it (a test that closes one itself empties it). */
  readonly opened: AppServices[];
  open(dataDir: string): AppServices;
  /** `texts` imported into a fresh data directory, then the services open on it. */
  setUp(texts?: readonly string[]): Promise<{ dataDir: string; datasetId: string; app: AppServices }>;
}

/** Call at module level: it registers the afterEach hooks that close the services and remove the folders. */
export function runsServiceKit(): RunsServiceKit {
  const tempDir = tempDirs('spanfill-runs-service-');
  const opened: AppServices[] = [];
  afterEach(async () => {
    for (const app of opened.splice(0)) await app.close();
  });
  const open = (dataDir: string): AppServices => {
    const app = new AppServices({ dataDir, env: {} });
    opened.push(app);
    return app;
  };
  const setUp = async (texts: readonly string[] = KILL_TEXTS) => {
    const dataDir = tempDir();
    const datasetId = await importTexts(dataDir, texts);
    return { dataDir, datasetId, app: open(dataDir) };
  };
  return { tempDir, opened, open, setUp };
}

/** Resolves at the first `name` event of a step at or after `step`. */
export function reached(app: AppServices, name: 'runs.progress' | 'runs.checkpoint', step: number): Promise<void> {
  return new Promise((resolve) => {
    const off = app.events.subscribe((event, payload) => {
      if (event === name && (payload as EventMap[typeof name]).step >= step) {
        off();
        resolve();
      }
    });
  });
}

/**
 * A checkpoint folder as listCheckpoints reads it: its trainer state, a config.json and
 * safetensors files as long as their headers say (a tensor each: nothing here loads its weights).
 */
export function fakeCheckpoint(dir: string, step: number, validationLoss: number | null): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), '{}');
  const tensors = encodeSafetensors([{ name: 'x', shape: [1], data: Float32Array.of(0) }]);
  for (const file of ['model.safetensors', OPTIMIZER_FILE]) writeFileSync(join(dir, file), Buffer.concat(tensors));
  const validation =
    validationLoss === null ? null : { loss: validationLoss, tokenAccuracy: 0.25, spanExactMatch: null, examples: 4 };
  const state = {
    format: TRAINER_STATE_FORMAT,
    version: TRAINER_STATE_VERSION,
    step,
    data: {},
    rng: {},
    settings: {},
    validation,
  };
  writeFileSync(join(dir, TRAINER_STATE_FILE), JSON.stringify(state));
}

/** What `act` threw, or returned (a refusal looked at beside what else happened). */
export async function outcome(act: () => unknown): Promise<unknown> {
  try {
    return await act();
  } catch (error) {
    return error;
  }
}
