// liveFigures.ts: between two reads of the server, a training run's final training loss is its
// newer progress's and its best validation loss the lowest of what was read and every evaluation
// heard since (earliest step on ties), as runs.compare and runs.get define them; an evaluation
// after the step a run went back to (resumed from an earlier checkpoint) is forgotten.

import { describe, expect, it } from 'vitest';
import {
  afterStatusChange,
  liveMetrics,
  lowerPoint,
  withBestEval,
  withEvaluations,
} from '../../../../src/renderer/src/lib/liveFigures';
import type { RunComparison, RunDetail } from '../../../../src/shared/contract/runs';

const evals = (...points: [number, number][]) => points.map(([step, value]) => ({ step, name: 'eval.loss', value }));

describe('lowerPoint', () => {
  it('is the lower value, the earlier step on ties, either where the other is missing', () => {
    expect(lowerPoint({ step: 20, value: 1 }, { step: 10, value: 2 })).toEqual({ step: 20, value: 1 });
    expect(lowerPoint({ step: 20, value: 1 }, { step: 10, value: 1 })).toEqual({ step: 10, value: 1 });
    expect(lowerPoint(null, { step: 10, value: 1 })).toEqual({ step: 10, value: 1 });
    expect(lowerPoint(undefined, null)).toBeNull();
  });
});

describe('withEvaluations', () => {
  it("keeps each run's lowest validation loss heard, the earliest step on ties, and no other metric", () => {
    let heard = withEvaluations({}, 'a', [{ step: 10, name: 'loss', value: 0.5 }, ...evals([10, 2])]);
    expect(heard).toEqual({ a: { step: 10, value: 2 } });
    heard = withEvaluations(heard, 'a', evals([20, 1.5], [30, 1.5], [40, 1.8]));
    heard = withEvaluations(heard, 'b', evals([5, 3]));
    expect(heard).toEqual({ a: { step: 20, value: 1.5 }, b: { step: 5, value: 3 } });
  });

  it('is the same object when nothing heard is lower (nothing that reads it runs again)', () => {
    const heard = { a: { step: 10, value: 1 } };
    expect(withEvaluations(heard, 'a', evals([20, 1], [30, 2]))).toBe(heard);
    expect(withEvaluations(heard, 'a', [{ step: 40, name: 'loss', value: 0.1 }])).toBe(heard);
  });
});

describe('afterStatusChange', () => {
  it('forgets a lowest heard after the step the run stands at now (its points after it were dropped)', () => {
    const heard = { a: { step: 40, value: 1 }, b: { step: 10, value: 2 } };
    expect(afterStatusChange(heard, 'a', 20)).toEqual({ b: { step: 10, value: 2 } });
    expect(afterStatusChange(heard, 'a', 40)).toBe(heard);
    expect(afterStatusChange(heard, 'c', 0)).toBe(heard);
  });

  it("forgets a run's progress of a later step (resumed from an earlier checkpoint), keeps it at the step reached", () => {
    const progress = { a: { runId: 'a', step: 50, loss: 1.2 }, b: { runId: 'b', step: 7, loss: 3 } };
    expect(afterStatusChange(progress, 'a', 40)).toEqual({ b: progress.b }); // resumed from step 40
    expect(afterStatusChange(progress, 'a', 0)).toEqual({ b: progress.b }); // started again from step 0
    expect(afterStatusChange(progress, 'a', 50)).toBe(progress); // paused, stopped, finished or failed there
  });
});

describe('withBestEval', () => {
  const detail = { id: 'a', step: 10, bestEval: { step: 10, value: 2 } } as unknown as RunDetail;

  it("shows the lower of runs.get's best and the evaluations heard since", () => {
    expect(withBestEval({ a: detail }, { a: { step: 20, value: 1.5 } }).a.bestEval).toEqual({ step: 20, value: 1.5 });
    const none = { ...detail, bestEval: null };
    expect(withBestEval({ a: none }, { a: { step: 20, value: 3 } }).a.bestEval).toEqual({ step: 20, value: 3 });
  });

  it('keeps the detail when nothing heard is lower, or of a run with no detail yet', () => {
    const shown = withBestEval({ a: detail }, { a: { step: 20, value: 2 }, b: { step: 5, value: 1 } });
    expect(shown).toEqual({ a: detail });
    expect(shown.a).toBe(detail);
  });
});

describe('liveMetrics', () => {
  const comparison = {
    runs: [
      { id: 'a', step: 10 },
      { id: 'b', step: 30 },
    ],
    metrics: [
      { final: { loss: 2, lr: 0.1 }, bestEvalLoss: 3 },
      { final: { loss: 1 }, bestEvalLoss: null },
    ],
  } as unknown as RunComparison;

  it("takes a run's final loss from its newer progress and its best validation loss from the lower heard", () => {
    const metrics = liveMetrics(comparison, { a: { step: 12, loss: 1.5 } }, { a: { step: 12, value: 2.5 } });
    expect(metrics).toEqual([
      { final: { loss: 1.5, lr: 0.1 }, bestEvalLoss: 2.5 },
      { final: { loss: 1 }, bestEvalLoss: null },
    ]);
  });

  it('keeps what runs.compare said where the progress is older or not a number, or nothing heard is lower', () => {
    const progress = { a: { step: 10, loss: 0.5 }, b: { step: 31, loss: null } };
    expect(liveMetrics(comparison, progress, { a: { step: 10, value: 3.5 } })).toEqual(comparison.metrics);
  });
});
