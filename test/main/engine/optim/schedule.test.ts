// In-graph learning-rate schedules against closed forms computed here, and clipping against
// a hand computation. The schedule is built over a vector of step counts (it is elementwise).
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import type { ScheduleConfig } from '../../../../src/main/engine/optim/schedule';
import { clipByGlobalNorm } from '../../../../src/main/engine/optim/clip';
import { learningRate } from '../../../../src/main/engine/optim/schedule';
import { expectClose, f64, runOnce } from './helpers';

const STEPS = [0, 1, 3, 4, 5, 7, 10, 19, 20, 25, 100];

async function evaluate(config: ScheduleConfig): Promise<number[]> {
  const g = new Graph('schedule');
  const s = g.input('s', 'float64', [STEPS.length]);
  g.output(learningRate(s, config), 'lr');
  const out = await runOnce(g, { s: f64([STEPS.length], STEPS) });
  return Array.from(out.lr.data as Float64Array);
}

const peak = 3e-4;
const W = 5;
const T = 20;
const warm = (s: number): number => (peak * s) / W;

describe('learning-rate schedules', () => {
  const cases: [ScheduleConfig, (s: number) => number][] = [
    [{ kind: 'constant', peakLr: peak }, () => peak],
    [{ kind: 'constant', peakLr: peak, warmupSteps: W }, (s) => (s < W ? warm(s) : peak)],
    [
      { kind: 'linear', peakLr: peak, warmupSteps: W, totalSteps: T },
      (s) => (s < W ? warm(s) : peak * Math.max(0, (T - s) / (T - W))),
    ],
    [
      { kind: 'cosine', peakLr: peak, warmupSteps: W, totalSteps: T },
      (s) => (s < W ? warm(s) : peak * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, (s - W) / (T - W))))),
    ],
    [{ kind: 'inverseSqrt', peakLr: peak, warmupSteps: W }, (s) => (s < W ? warm(s) : peak / Math.sqrt(s / W))],
    [{ kind: 'inverseSqrt', peakLr: peak }, (s) => peak / Math.sqrt((s + 10_000) / 10_000)],
  ];
  for (const [config, closedForm] of cases) {
    it(`${config.kind}${config.warmupSteps ? ' with warmup' : ''} matches its closed form`, async () => {
      expectClose(await evaluate(config), STEPS.map(closedForm), 1e-12, config.kind, 1e-30);
    });
  }

  it('rejects bad configs naming the value and the choices', () => {
    const g = new Graph('bad');
    const s = g.input('s', 'float64', []);
    expect(() => learningRate(s, { kind: 'step' as never, peakLr: 1 })).toThrow(
      "Unknown schedule kind 'step'; expected one of: constant, linear, cosine, inverseSqrt",
    );
    expect(() => learningRate(s, { kind: 'cosine', peakLr: 1, warmupSteps: 10 })).toThrow(
      /needs totalSteps.*got undefined/,
    );
  });
});

describe('global-norm clipping', () => {
  it('reports the pre-clip norm and scales every gradient by maxNorm / (norm + 1e-6)', async () => {
    const g = new Graph('clip');
    const a = g.input('a', 'float64', [2, 2]);
    const b = g.input('b', 'float64', [3]);
    const clipped = clipByGlobalNorm([a, b], 1.0);
    const loose = clipByGlobalNorm([a, b], 100);
    g.output(clipped.norm, 'norm');
    g.output(clipped.grads[0], 'a2');
    g.output(clipped.grads[1], 'b2');
    g.output(loose.grads[1], 'b3');
    const out = await runOnce(g, { a: f64([2, 2], [1, 2, 2, 0]), b: f64([3], [0, 4, -2]) });
    // ‖g‖² = 1 + 4 + 4 + 16 + 4 = 29
    const norm = Math.sqrt(29);
    const c = 1 / (norm + 1e-6);
    expectClose(out.norm.data as Float64Array, [norm], 1e-15, 'norm');
    expectClose(out.a2.data as Float64Array, [c, 2 * c, 2 * c, 0], 1e-15, 'clipped a');
    expectClose(out.b2.data as Float64Array, [0, 4 * c, -2 * c], 1e-15, 'clipped b');
    expectClose(out.b3.data as Float64Array, [0, 4, -2], 0, 'unclipped b (norm below max)');
  });
});
