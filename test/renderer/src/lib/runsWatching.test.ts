// runsWatching.ts: the comparison's key is the ticked, listed runs (at most MAX_COMPARED_RUNS)
// and not their steps; it and a row's detail are asked for again when a run's status changes or
// one not training moves; a tick box past the limit says why; a training run's row shows its
// latest progress; curves stay for the runs ticked and the one on Train.

import { describe, expect, it } from 'vitest';
import {
  COMPARE_LIMIT_REASON,
  comparedKey,
  comparedStatusKey,
  curvesToDrop,
  detailKey,
  DRAWN_METRICS,
  idsOfKey,
  tickRefusal,
  withProgress,
} from '../../../../src/renderer/src/lib/runsWatching';
import { MAX_COMPARED_RUNS, type RunDetail } from '../../../../src/shared/contract/runs';
import { CURVE_METRICS } from '../../../../src/renderer/src/lib/comparison';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `r-${i}`);

describe('comparedKey', () => {
  it('is the ticked runs still listed, in tick order, whatever their steps', () => {
    const runs = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(idsOfKey(comparedKey(['c', 'gone', 'a'], runs))).toEqual(['c', 'a']);
    expect(idsOfKey(comparedKey([], runs))).toEqual([]);
  });

  it(`keeps at most ${MAX_COMPARED_RUNS} runs`, () => {
    const all = ids(MAX_COMPARED_RUNS + 1);
    expect(
      idsOfKey(
        comparedKey(
          all,
          all.map((id) => ({ id })),
        ),
      ),
    ).toEqual(all.slice(0, MAX_COMPARED_RUNS));
  });

  it("changes with a compared run's status, and the step of one not training, never a training run's step", () => {
    const runs = [
      { id: 'a', status: 'running', step: 5 },
      { id: 'b', status: 'stopped', step: 8 },
    ] as const;
    const key = comparedStatusKey(['a', 'b'], runs);
    expect(comparedStatusKey(['a', 'b'], [{ ...runs[0], step: 6 }, runs[1]])).toBe(key);
    expect(comparedStatusKey(['a', 'b'], [{ ...runs[0], status: 'queued' }, runs[1]])).not.toBe(key);
    // Resumed and stopped again in a terminal between two looks of the watcher: no progress says it.
    expect(comparedStatusKey(['a', 'b'], [runs[0], { ...runs[1], step: 12 }])).not.toBe(key);
    expect(comparedStatusKey(['b'], runs)).not.toBe(comparedStatusKey(['b'], [{ ...runs[1], status: 'completed' }]));
  });
});

describe('detailKey', () => {
  it("changes with a run's status, checkpoints said, and the step of one not training", () => {
    const key = detailKey({ status: 'running', step: 5 }, 1);
    expect(detailKey({ status: 'running', step: 6 }, 1)).toBe(key);
    expect(detailKey({ status: 'queued', step: 6 }, 1)).toBe(detailKey({ status: 'queued', step: 5 }, 1));
    expect(detailKey({ status: 'running', step: 5 }, 2)).not.toBe(key);
    expect(detailKey({ status: 'stopped', step: 5 }, 1)).not.toBe(key);
    expect(detailKey({ status: 'stopped', step: 9 }, 1)).not.toBe(detailKey({ status: 'stopped', step: 5 }, 1));
  });
});

describe('tickRefusal', () => {
  it(`refuses a run not ticked once ${MAX_COMPARED_RUNS} are, saying why; a ticked one can be unticked`, () => {
    const ticked = ids(MAX_COMPARED_RUNS);
    expect(tickRefusal('other', ticked)).toBe(COMPARE_LIMIT_REASON);
    expect(COMPARE_LIMIT_REASON).toBe(`Compare at most ${MAX_COMPARED_RUNS} runs at a time: untick one first`);
    expect(tickRefusal('r-0', ticked)).toBeUndefined();
    expect(tickRefusal('other', ticked.slice(1))).toBeUndefined();
  });
});

describe('withProgress', () => {
  const detail = { id: 'a', step: 10, last: { loss: 2, 'eval.loss': 3 } } as unknown as RunDetail;

  it("shows a training run's newer step and loss, keeping its other metrics", () => {
    const shown = withProgress({ a: detail }, { a: { step: 12, loss: 1.5 } });
    expect(shown.a.step).toBe(12);
    expect(shown.a.last).toEqual({ loss: 1.5, 'eval.loss': 3 });
  });

  it('keeps the detail when the progress is older, not a number, or of a run with no detail yet', () => {
    const shown = withProgress({ a: detail }, { a: { step: 10, loss: 1 }, b: { step: 3, loss: 1 } });
    expect(shown).toEqual({ a: detail });
    expect(withProgress({ a: detail }, { a: { step: 11, loss: null } }).a).toBe(detail);
  });
});

describe('curvesToDrop', () => {
  it('keeps the curves of the runs ticked and of the run on Train', () => {
    expect(curvesToDrop(['a', 'b', 'c', 'd'], ['b', 'd'], 'a')).toEqual(['c']);
    expect(curvesToDrop(['a'], [], undefined)).toEqual(['a']);
  });
});

describe('DRAWN_METRICS', () => {
  it("holds both of the comparison's losses, and no gradient norm (nothing draws it)", () => {
    for (const metric of Object.values(CURVE_METRICS)) expect(DRAWN_METRICS).toContain(metric);
    expect(DRAWN_METRICS).not.toContain('gradNorm');
  });
});
