// The metric points of trainer events: every name pointsOf writes is one METRIC_NAMES lists (a
// watcher of the store looks only for those), found by feeding it each kind of event.
import { describe, expect, it } from 'vitest';
import type { TrainerEvent } from '../../../src/main/engine/train/progress';
import { METRIC_NAMES, pointsOf } from '../../../src/main/services/runsMetrics';

const events: TrainerEvent[] = [
  { kind: 'started', step: 0, maxSteps: 4, provider: 'cpu', message: '' },
  {
    kind: 'progress',
    step: 2,
    maxSteps: 4,
    epoch: 0.5,
    losses: [3, 2],
    gradNorm: 1,
    learningRate: 0.1,
    tokensPerSecond: 100,
    elapsedMs: 10,
    etaMs: 10,
  },
  { kind: 'evaluation', step: 2, metrics: { loss: 1, tokenAccuracy: 0.5, spanExactMatch: 0.25, examples: 4 } },
  { kind: 'checkpoint', step: 2, dir: '/c', isBest: true, removed: [] },
];

describe('pointsOf', () => {
  it('writes exactly the metrics METRIC_NAMES lists', () => {
    const written = new Set(events.flatMap((event) => pointsOf(event).map((point) => point.name)));
    expect([...written].sort()).toEqual([...METRIC_NAMES].sort());
  });
});
