// The runs store's curves: repeats dropped, points that arrive while stored ones load kept,
// and the alignment uPlot draws (union of x, null where a series has no point, x by tokens);
// the loss charts' smoothing.
import { describe, expect, it } from 'vitest';
import { alignCurves, MetricSeries, RunCurves, smoothed } from '../../../../src/renderer/src/lib/runCurves';

function series(points: [number, number][]): MetricSeries {
  const s = new MetricSeries();
  for (const [step, value] of points) s.push(step, value);
  return s;
}

describe('runCurves', () => {
  it('drops a point at or before the last step (a resumed run re-running stored steps)', () => {
    const s = series([
      [1, 5],
      [2, 4],
      [2, 9],
      [1, 9],
      [3, 3],
    ]);
    expect([s.steps, s.values]).toEqual([
      [1, 2, 3],
      [5, 4, 3],
    ]);
  });

  it('keeps live points that arrived while the stored ones loaded, after them', () => {
    const curves = new RunCurves();
    curves.add([{ step: 3, name: 'loss', value: 3 }]);
    expect(curves.isLoaded).toBe(false);
    curves.load({ loss: { steps: [1, 2, 3], values: [5, 4, 3] } });
    curves.add([{ step: 4, name: 'loss', value: 2 }]);
    expect(curves.byName.get('loss')?.steps).toEqual([1, 2, 3, 4]);
    expect(curves.byName.get('loss')?.values).toEqual([5, 4, 3, 2]);
  });

  it('takes stored columns as they are, every series, and keeps its own copy of them', () => {
    const curves = new RunCurves();
    const stored = { loss: { steps: [1, 2, 3], values: [5, 4, 3] }, 'eval.loss': { steps: [2], values: [4.5] } };
    curves.load(stored);
    expect([...curves.byName.keys()]).toEqual(['loss', 'eval.loss']);
    expect(curves.byName.get('eval.loss')?.length).toBe(1);
    curves.add([{ step: 3, name: 'eval.loss', value: 4 }]);
    expect(stored['eval.loss']).toEqual({ steps: [2], values: [4.5] }); // the answer is not written to
    expect([curves.byName.get('eval.loss')?.steps, curves.byName.get('eval.loss')?.values]).toEqual([
      [2, 3],
      [4.5, 4],
    ]);
    curves.load({});
    expect(curves.byName.size).toBe(0);
  });

  it('aligns several series on the union of their x, null where one has no point', () => {
    const train = series([
      [1, 5],
      [2, 4],
      [3, 3],
    ]);
    const val = series([[2, 4.5]]);
    expect(
      alignCurves([
        { series: train, xScale: 1 },
        { series: val, xScale: 1 },
      ]),
    ).toEqual([
      [1, 2, 3],
      [5, 4, 3],
      [null, 4.5, null],
    ]);
    // By tokens: each run's steps × its tokens per step.
    expect(
      alignCurves([
        { series: train, xScale: 10 },
        { series: val, xScale: 25 },
      ]),
    ).toEqual([
      [10, 20, 30, 50],
      [5, 4, 3, null],
      [null, null, null, 4.5],
    ]);
    expect(alignCurves([{ series: undefined, xScale: 1 }])).toEqual([[], []]);
  });
});

describe('smoothed', () => {
  it('is the weighted mean of the points so far, each weight the last times `weight`, nulls skipped', () => {
    // weight 0.5: [4] → 4; [4, 2] → (4·0.5 + 2)/1.5; [4, 2, 6] → (4·0.25 + 2·0.5 + 6)/1.75.
    const out = smoothed([4, 2, null, 6], 0.5);
    expect(out[0]).toBeCloseTo(4, 12);
    expect(out[1]).toBeCloseTo(4 / 1.5, 12);
    expect(out[2]).toBeNull();
    expect(out[3]).toBeCloseTo(8 / 1.75, 12);
    // A constant stays constant (the bias correction: no rise from 0), at any weight.
    for (const v of smoothed([3, 3, 3, 3], 0.99)) expect(v).toBeCloseTo(3, 12);
  });

  it('returns the points at weight 0 and refuses a weight outside [0, 1)', () => {
    expect(smoothed([5, null, 1], 0)).toEqual([5, null, 1]);
    expect(() => smoothed([1], 1)).toThrow(RangeError);
    expect(() => smoothed([1], -0.1)).toThrow(/smoothing weight must be in \[0, 1\), got -0.1/);
  });
});
