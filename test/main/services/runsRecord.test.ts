// What a run's trainer events become in a real SQLite store and on the event bus: the status
// and provider a start reports, a progress call's losses stored before the checkpoint that
// follows it (flushed at the checkpoint step, buffered otherwise), an evaluation stored at once,
// and a checkpoint row that carries the evaluation of its own step only.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { openStore } from '../../../src/main/store/db';
import { RunRepository } from '../../../src/main/store/runs';
import { EventBus } from '../../../src/main/services/events';
import { MetricBuffer } from '../../../src/main/services/runsMetrics';
import { recordTrainerEvent } from '../../../src/main/services/runsRecord';
import type { ProgressEvent } from '../../../src/main/engine/train/progress';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-record-');

function open() {
  const dataDir = tempDir();
  const store = openStore(dataDir);
  addDatasetRow(store.db);
  const repo = new RunRepository(store.db);
  const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 8, checkpointEvery: 4 });
  repo.add({ id: 'r-1', name: 'one', config, totalSteps: 8, status: 'queued' });
  const events = new EventBus();
  const seen: [string, unknown][] = [];
  events.subscribe((name, payload) => seen.push([name, payload]));
  // An interval far longer than the test: only flush() writes.
  const buffer = new MetricBuffer((points) => repo.addMetrics('r-1', points), 3_600_000);
  return { store, repo, seen, buffer, dataDir, to: { repo, events, dataDir } };
}

function progress(step: number, losses: number[]): ProgressEvent {
  return {
    kind: 'progress',
    step,
    maxSteps: 8,
    epoch: step / 8,
    losses,
    gradNorm: 1,
    learningRate: 0.01,
    tokensPerSecond: 100,
    elapsedMs: step * 10,
    etaMs: null,
  };
}

describe('recordTrainerEvent', () => {
  it("keeps a diverged call's finite points in the store and says its last loss was no number", () => {
    const { store, repo, seen, buffer, to } = open();
    try {
      recordTrainerEvent(to, 'r-1', progress(2, [2.5, 2.25]), buffer);
      recordTrainerEvent(to, 'r-1', { ...progress(4, [7.5, Number.NaN]), gradNorm: Infinity }, buffer);
      buffer.flush();
      const stored = repo.metrics('r-1');
      expect(stored.get('loss')).toEqual({ steps: [1, 2, 3], values: [2.5, 2.25, 7.5] });
      expect(stored.get('gradNorm')).toEqual({ steps: [2], values: [1] });
      const losses = seen.filter(([name]) => name === 'runs.progress').map(([, p]) => (p as { loss: unknown }).loss);
      expect(losses).toEqual([2.25, null]);
    } finally {
      store.close();
    }
  });

  it('stores the provider a start reports and announces the running status', () => {
    const { store, repo, seen, buffer, to } = open();
    try {
      recordTrainerEvent(to, 'r-1', { kind: 'started', step: 0, maxSteps: 8, provider: 'cpu', message: '' }, buffer);
      expect(repo.mustGet('r-1')).toMatchObject({ status: 'running', provider: 'cpu' });
      expect(seen).toEqual([
        ['runs.statusChanged', { runId: 'r-1', status: 'running', step: 0, totalSteps: 8, provider: 'cpu' }],
      ]);
    } finally {
      store.close();
    }
  });

  it('writes the losses before a checkpoint step and buffers the others', () => {
    const { store, repo, seen, buffer, to } = open();
    try {
      recordTrainerEvent(to, 'r-1', progress(2, [5, 4]), buffer);
      expect(repo.metrics('r-1').get('loss')).toBeUndefined();
      expect(repo.mustGet('r-1').step).toBe(2);
      recordTrainerEvent(to, 'r-1', progress(4, [3, 2]), buffer);
      expect(repo.metrics('r-1').get('loss')?.values).toEqual([5, 4, 3, 2]);
      expect(seen.at(-1)).toEqual([
        'runs.progress',
        expect.objectContaining({ runId: 'r-1', step: 4, totalSteps: 8, loss: 2, learningRate: 0.01 }),
      ]);
    } finally {
      store.close();
    }
  });

  it("gives a checkpoint its own step's evaluation and none from an earlier step", () => {
    const { store, repo, buffer, to } = open();
    try {
      const metrics = { loss: 1.5, tokenAccuracy: 0.25, spanExactMatch: null, examples: 4 };
      recordTrainerEvent(to, 'r-1', { kind: 'evaluation', step: 4, metrics }, buffer);
      recordTrainerEvent(to, 'r-1', { kind: 'checkpoint', step: 4, dir: '/c4', isBest: true, removed: [] }, buffer);
      recordTrainerEvent(to, 'r-1', { kind: 'checkpoint', step: 6, dir: '/c6', isBest: false, removed: [] }, buffer);
      const rows = repo.checkpoints('r-1').map(({ step, eval: evaluation, isBest }) => ({ step, evaluation, isBest }));
      expect(rows).toEqual([
        { step: 4, evaluation: { loss: 1.5, tokenAccuracy: 0.25 }, isBest: true },
        { step: 6, evaluation: null, isBest: false },
      ]);
    } finally {
      store.close();
    }
  });

  it('stores an evaluation at once: the checkpoint of its step is written right after it', () => {
    const { store, repo, buffer, to } = open();
    try {
      recordTrainerEvent(to, 'r-1', progress(2, [5, 4]), buffer);
      const metrics = { loss: 1.5, tokenAccuracy: 0.25, spanExactMatch: null, examples: 4 };
      recordTrainerEvent(to, 'r-1', { kind: 'evaluation', step: 2, metrics }, buffer);
      expect(repo.metrics('r-1', ['loss', 'eval.loss'])).toEqual(
        new Map([
          ['eval.loss', { steps: [2], values: [1.5] }],
          ['loss', { steps: [1, 2], values: [5, 4] }],
        ]),
      );
    } finally {
      store.close();
    }
  });

  it('keeps a checkpoint folder relative to the data directory, and forgets the ones pruned', () => {
    const { store, repo, seen, buffer, dataDir, to } = open();
    try {
      const dir = (step: number): string => path.join(dataDir, 'runs', 'r-1', 'checkpoints', `step-0000000${step}`);
      recordTrainerEvent(to, 'r-1', { kind: 'checkpoint', step: 4, dir: dir(4), isBest: true, removed: [] }, buffer);
      recordTrainerEvent(to, 'r-1', { kind: 'checkpoint', step: 6, dir: dir(6), isBest: false, removed: [] }, buffer);
      recordTrainerEvent(
        to,
        'r-1',
        { kind: 'checkpoint', step: 8, dir: dir(8), isBest: false, removed: [dir(6)] },
        buffer,
      );
      expect(repo.checkpoints('r-1').map((row) => row.path)).toEqual([
        'runs/r-1/checkpoints/step-00000004',
        'runs/r-1/checkpoints/step-00000008',
      ]);
      // The screens hear of the folder itself.
      expect(seen.at(-1)).toEqual(['runs.checkpoint', { runId: 'r-1', step: 8, path: dir(8), isBest: false }]);
    } finally {
      store.close();
    }
  });
});

describe('MetricBuffer', () => {
  it('writes the first points at once when its interval has passed since the last write, then at most once an interval', () => {
    vi.useFakeTimers();
    try {
      const written: number[][] = [];
      const buffer = new MetricBuffer((points) => written.push(points.map((p) => p.step)), 1000);
      const point = (step: number) => [{ step, name: 'loss', value: 1 }];
      // A run's first steps come after its start's seconds of loading: the charts start with the status line.
      vi.advanceTimersByTime(1500);
      buffer.add(point(1));
      expect(written).toEqual([[1]]);
      buffer.add(point(2));
      buffer.add(point(3));
      expect(written).toEqual([[1]]);
      vi.advanceTimersByTime(999);
      expect(written).toEqual([[1]]);
      vi.advanceTimersByTime(1);
      expect(written).toEqual([[1], [2, 3]]);
      // Points soon after a write wait for the rest of the interval.
      vi.advanceTimersByTime(400);
      buffer.add(point(4));
      expect(written).toHaveLength(2);
      vi.advanceTimersByTime(600);
      expect(written).toEqual([[1], [2, 3], [4]]);
    } finally {
      vi.useRealTimers();
    }
  });
});
