// AdamW and Adafactor graphs against independent float64 implementations written here in
// plain TypeScript (from the PyTorch AdamW algorithm box and Shazeer & Stern 2018 / HF
// Adafactor). Gradients are graph inputs, so these tests do not depend on autodiff.
import { describe, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import type { OptimizerConfig, ParamInfo } from '../../../../src/main/engine/optim/optimizer';
import { applyOptimizer, effectiveRate, isDecayed, stateShapes } from '../../../../src/main/engine/optim/optimizer';
import { expectClose, f64, runOnce, scalar64, seeded } from './helpers';
import type { Arrays, RefAdafactor } from './refAdafactor';
import { refAdafactor } from './refAdafactor';
import { elementCount } from '../../../../src/main/engine/shape';

const PARAMS: ParamInfo[] = [
  { name: 'w', shape: [3, 4] },
  { name: 'norm.scale', shape: [4] },
  { name: 'stack', shape: [2, 3, 2] },
];

/**
 * Runs the optimizer graph for three steps with the given gradients; returns params and state.
 * With `scale`, the graph gets grad/scale and a scalar gradScale input of `scale`.
 */
async function graphSteps(
  config: OptimizerConfig,
  init: Arrays,
  grads: Arrays[],
  lrs: number[],
  scale?: number,
): Promise<Arrays> {
  const g = new Graph('opt');
  const t = g.input('t', 'float64', []);
  const lr = g.input('lr', 'float64', []);
  const params = PARAMS.map((p) => g.input(p.name, 'float64', p.shape));
  const gradIns = PARAMS.map((p) => g.input(`grad/${p.name}`, 'float64', p.shape));
  const state = PARAMS.map((p) => {
    const slots: Record<string, ReturnType<typeof g.input>> = {};
    for (const [slot, shape] of Object.entries(stateShapes(config, p.shape)))
      slots[slot] = g.input(`${slot}/${p.name}`, 'float64', shape);
    return slots;
  });
  const gradScale = scale === undefined ? undefined : g.input('scale', 'float64', []);
  const r = applyOptimizer(config, PARAMS, params, gradIns, state, t, effectiveRate(config, t, lr), gradScale);
  PARAMS.forEach((p, i) => {
    g.output(r.params[i], `new/${p.name}`);
    for (const [slot, tensor] of Object.entries(r.state[i])) g.output(tensor, `new/${slot}/${p.name}`);
  });
  const current: Record<string, HostTensor> = {};
  PARAMS.forEach((p) => {
    current[p.name] = f64(p.shape, init[p.name]);
    for (const [slot, shape] of Object.entries(stateShapes(config, p.shape)))
      current[`${slot}/${p.name}`] = f64(shape, new Array<number>(elementCount(shape)).fill(0));
  });
  for (let step = 0; step < grads.length; step++) {
    const feeds: Record<string, HostTensor> = { ...current, t: scalar64(step + 1), lr: scalar64(lrs[step]) };
    PARAMS.forEach(
      (p) =>
        (feeds[`grad/${p.name}`] = f64(
          p.shape,
          grads[step][p.name].map((x) => x / (scale ?? 1)),
        )),
    );
    if (scale !== undefined) feeds.scale = scalar64(scale);
    const out = await runOnce(g, feeds);
    for (const key of Object.keys(current)) current[key] = out[`new/${key}`];
  }
  const result: Arrays = {};
  for (const [k, v] of Object.entries(current)) result[k] = Array.from(v.data as Float64Array);
  return result;
}

// ---- float64 references ----

function refAdamW(p: number[], g: number[], st: Arrays, t: number, lr: number, wd: number): void {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let i = 0; i < p.length; i++) {
    p[i] *= 1 - lr * wd;
    st.m[i] = b1 * st.m[i] + (1 - b1) * g[i];
    st.v[i] = b2 * st.v[i] + (1 - b2) * g[i] * g[i];
    const mHat = st.m[i] / (1 - b1 ** t);
    const vHat = st.v[i] / (1 - b2 ** t);
    p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
}

function problem(seed: number): { init: Arrays; grads: Arrays[]; lrs: number[] } {
  const rand = seeded(seed);
  const init: Arrays = {};
  for (const p of PARAMS) init[p.name] = rand(elementCount(p.shape));
  const grads = [0, 1, 2].map((step) => {
    const gs: Arrays = {};
    for (const p of PARAMS) gs[p.name] = rand(elementCount(p.shape)).map((x) => x * (step + 1) * 0.5);
    return gs;
  });
  return { init, grads, lrs: [1e-2, 5e-3, 2e-3] };
}

const scaled = (scale: number | undefined): string =>
  scale === undefined ? '' : `, gradient scale ${scale} folded in`;

describe('AdamW', () => {
  for (const scale of [undefined, 0.37]) {
    it(`three steps match a float64 reference, with no decay on the masked parameter${scaled(scale)}`, async () => {
      const config: OptimizerConfig = { kind: 'adamw', weightDecay: 0.1 };
      const { init, grads, lrs } = problem(1);
      const actual = await graphSteps(config, init, grads, lrs, scale);
      for (const p of PARAMS) {
        const param = [...init[p.name]];
        const st: Arrays = { m: new Array<number>(param.length).fill(0), v: new Array<number>(param.length).fill(0) };
        const wd = isDecayed(config, p) ? 0.1 : 0;
        grads.forEach((gs, step) => refAdamW(param, gs[p.name], st, step + 1, lrs[step], wd));
        expectClose(actual[p.name], param, 1e-6, `AdamW ${p.name}`);
        expectClose(actual[`m/${p.name}`], st.m, 1e-6, `AdamW m/${p.name}`);
        expectClose(actual[`v/${p.name}`], st.v, 1e-6, `AdamW v/${p.name}`);
      }
    });
  }
});

describe('Adafactor', () => {
  const cases: [string, OptimizerConfig, RefAdafactor][] = [
    [
      'HF defaults (relative step, parameter scale)',
      { kind: 'adafactor' },
      { relativeStep: true, scaleParameter: true, weightDecay: 0 },
    ],
    [
      'scheduled rate, first moment, weight decay',
      {
        kind: 'adafactor',
        relativeStep: false,
        scaleParameter: false,
        beta1: 0.9,
        weightDecay: 0.1,
        noDecay: () => false,
      },
      { relativeStep: false, scaleParameter: false, beta1: 0.9, weightDecay: 0.1 },
    ],
  ];
  for (const [title, config, ref] of cases) {
    for (const scale of [undefined, 0.37]) {
      it(`three steps match a float64 reference: ${title}${scaled(scale)}`, async () => {
        const { init, grads, lrs } = problem(7);
        const actual = await graphSteps(config, init, grads, lrs, scale);
        for (const p of PARAMS) {
          const param = [...init[p.name]];
          const st: Arrays = {};
          for (const [slot, shape] of Object.entries(stateShapes(config, p.shape)))
            st[slot] = new Array<number>(elementCount(shape)).fill(0);
          grads.forEach((gs, step) => refAdafactor(param, [...p.shape], gs[p.name], st, step + 1, lrs[step], ref));
          expectClose(actual[p.name], param, 1e-6, `Adafactor ${p.name}`);
          for (const slot of Object.keys(st))
            expectClose(actual[`${slot}/${p.name}`], st[slot], 1e-6, `Adafactor ${slot}/${p.name}`);
        }
      });
    }
  }
});
