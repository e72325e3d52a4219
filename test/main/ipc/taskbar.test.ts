// The taskbar or dock progress of a training run: a fraction while it trains, gone when it stops.

import { describe, expect, it } from 'vitest';
import { showTrainingProgress, taskbarProgress } from '../../../src/main/ipc/taskbar';
import { EventBus } from '../../../src/main/services/events';

const progress = (step: number, totalSteps: number) => ({
  runId: 'r-1',
  step,
  totalSteps,
  loss: 2,
  learningRate: 1e-3,
  tokensPerSecond: 100,
  elapsedMs: 1000,
  etaMs: null,
});

describe('taskbar progress', () => {
  it('follows the steps while a run trains and clears when it stops, whatever the ending', () => {
    expect(taskbarProgress('runs.progress', progress(250, 1000))).toBe(0.25);
    expect(taskbarProgress('runs.progress', progress(1010, 1000))).toBe(1);
    expect(taskbarProgress('runs.progress', progress(0, 0))).toBeUndefined();
    expect(
      taskbarProgress('runs.statusChanged', {
        runId: 'r-1',
        status: 'running',
        step: 0,
        totalSteps: 9,
        provider: null,
      }),
    ).toBeUndefined();
    for (const status of ['completed', 'stopped', 'paused'] as const)
      expect(taskbarProgress('runs.statusChanged', { runId: 'r-1', status, step: 9 })).toBe(-1);
    expect(taskbarProgress('runs.statusChanged', { runId: 'r-1', status: 'failed', step: 9, error: 'x' })).toBe(-1);
    expect(taskbarProgress('datasets.statusChanged', { datasetId: 'ds-1', status: 'ready' })).toBeUndefined();
  });

  it("sets every window's bar from the bus until unsubscribed", () => {
    const events = new EventBus();
    const bars: number[][] = [[], []];
    const windows = bars.map((bar) => ({ setProgressBar: (value: number) => void bar.push(value) }));
    const stop = showTrainingProgress(events, () => windows);
    events.emit('runs.progress', progress(1, 4));
    events.emit('runs.statusChanged', { runId: 'r-1', status: 'completed', step: 4 });
    stop();
    events.emit('runs.progress', progress(2, 4));
    expect(bars).toEqual([
      [0.25, -1],
      [0.25, -1],
    ]);
  });
});
