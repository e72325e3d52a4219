// comparison.ts: the comparison draws (and its legend names) only curves with points, in run
// order, training before validation; a differing dataset reads as its name, or 'removed'.

import { describe, expect, it } from 'vitest';
import { comparedCurves, comparedValue } from '../../../../src/renderer/src/lib/comparison';

/** A run's point counts by metric name (absent: none). */
const counts =
  (byMetric: Record<string, number>) =>
  (metric: string): number =>
    byMetric[metric] ?? 0;

describe('comparedCurves', () => {
  it('leaves out a validation loss with no points, and a run with no points at all', () => {
    const curves = comparedCurves([
      counts({ loss: 30, 'eval.loss': 3 }),
      counts({ loss: 500 }), // stopped or failed before its first evaluation
      counts({}), // interrupted at step 0
      counts({ loss: 2, 'eval.loss': 1, lr: 2 }),
    ]);
    expect(curves).toEqual([
      { run: 0, kind: 'training' },
      { run: 0, kind: 'validation' },
      { run: 1, kind: 'training' },
      { run: 3, kind: 'training' },
      { run: 3, kind: 'validation' },
    ]);
  });

  it('draws nothing while no run has a point', () => {
    expect(comparedCurves([counts({}), counts({ lr: 4 })])).toEqual([]);
  });
});

describe('comparedValue', () => {
  // As runs.compare answers them: each compared run's dataset, null once removed.
  const datasets = { 'ds-1': 'notes.txt', 'ds-gone': null };

  it("names a run's dataset, and says a removed one is removed", () => {
    expect(comparedValue('datasetId', 'ds-1', datasets)).toBe('notes.txt');
    expect(comparedValue('datasetId', 'ds-gone', datasets)).toBe('removed');
  });

  it('writes every other setting as the settings list does', () => {
    expect(comparedValue('maxSteps', 20000, datasets)).toBe('20,000');
    expect(comparedValue('lr', 0.003, datasets)).toBe('0.003');
  });

  it("says where a run does not use the value (an Adafactor run's lr), as `runs compare` does", () => {
    expect(comparedValue('lr', 0.003, datasets, 'adafactor sets its own step sizes')).toBe(
      '0.003 (not used: adafactor sets its own step sizes)',
    );
    expect(comparedValue('lr', 0.003, datasets, null)).toBe('0.003');
  });
});
