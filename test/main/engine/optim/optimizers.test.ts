// AdamW and Adafactor graphs against independent float64 implementations written here in
// plain TypeScript (from the PyTorch AdamW algorithm box and Shazeer & Stern 2018 / HF
// Adafactor). Gradients are graph inputs, so these tests do not depend on autodiff.
import { describe, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import type { OptimizerConfig, ParamInfo } from '../../../../src/main/engine/optim/optimizer';
import { applyOptimizer, effectiveRate, isDecayed, stateShapes } from '../../../../src/main/engine/optim/optimizer';
import { expectClose, f64, runOnce, scalar64, seeded } from './helpers';

const PARAMS: ParamInfo[] = [
  { name: 'w', shape: [3, 4] },
  { name: 'norm.scale', shape: [4] },
  { name: 'stack', shape: [2, 3, 2] },
];
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
type Arrays = Record<string, number[]>;

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
      current[`${slot}/${p.name}`] = f64(shape, new Array<number>(size(shape)).fill(0));
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

interface RefAdafactor {
  relativeStep: boolean;
  scaleParameter: boolean;
  beta1?: number;
  weightDecay: number;
}

function rmsOf(x: number[]): number {
  return Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
}

function refAdafactor(
  p: number[],
  shape: number[],
  g: number[],
  st: Arrays,
  t: number,
  lr: number,
  c: RefAdafactor,
): void {
  const beta2t = 1 - t ** -0.8;
  const g2 = g.map((x) => x * x + 1e-30);
  let u: number[];
  if (shape.length >= 2) {
    const [R, C] = shape.slice(-2);
    const B = p.length / (R * C);
    u = new Array<number>(p.length);
    for (let b = 0; b < B; b++) {
      for (let r = 0; r < R; r++) {
        let s = 0;
        for (let k = 0; k < C; k++) s += g2[(b * R + r) * C + k];
        st.row[b * R + r] = beta2t * st.row[b * R + r] + (1 - beta2t) * (s / C);
      }
      for (let k = 0; k < C; k++) {
        let s = 0;
        for (let r = 0; r < R; r++) s += g2[(b * R + r) * C + k];
        st.col[b * C + k] = beta2t * st.col[b * C + k] + (1 - beta2t) * (s / R);
      }
      let rowMean = 0;
      for (let r = 0; r < R; r++) rowMean += st.row[b * R + r] / R;
      for (let r = 0; r < R; r++) {
        for (let k = 0; k < C; k++) {
          const i = (b * R + r) * C + k;
          u[i] = g[i] / Math.sqrt(st.row[b * R + r] / rowMean) / Math.sqrt(st.col[b * C + k]);
        }
      }
    }
  } else {
    for (let i = 0; i < p.length; i++) st.sq[i] = beta2t * st.sq[i] + (1 - beta2t) * g2[i];
    u = g.map((x, i) => x / Math.sqrt(st.sq[i]));
  }
  const clipDiv = Math.max(1, rmsOf(u) / 1.0);
  const rho = c.relativeStep ? Math.min(1e-2, 1 / Math.sqrt(t)) : lr;
  const alpha = c.scaleParameter ? rho * Math.max(1e-3, rmsOf(p)) : rho;
  u = u.map((x) => (x / clipDiv) * alpha);
  if (c.beta1 !== undefined) {
    for (let i = 0; i < p.length; i++) st.m[i] = c.beta1 * st.m[i] + (1 - c.beta1) * u[i];
    u = [...st.m];
  }
  for (let i = 0; i < p.length; i++) p[i] = p[i] - c.weightDecay * alpha * p[i] - u[i];
}

function problem(seed: number): { init: Arrays; grads: Arrays[]; lrs: number[] } {
  const rand = seeded(seed);
  const init: Arrays = {};
  for (const p of PARAMS) init[p.name] = rand(size(p.shape));
  const grads = [0, 1, 2].map((step) => {
    const gs: Arrays = {};
    for (const p of PARAMS) gs[p.name] = rand(size(p.shape)).map((x) => x * (step + 1) * 0.5);
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
            st[slot] = new Array<number>(size(shape)).fill(0);
          grads.forEach((gs, step) => refAdafactor(param, [...p.shape], gs[p.name], st, step + 1, lrs[step], ref));
          expectClose(actual[p.name], param, 1e-6, `Adafactor ${p.name}`);
          for (const slot of Object.keys(st))
            expectClose(actual[`${slot}/${p.name}`], st[slot], 1e-6, `Adafactor ${slot}/${p.name}`);
        }
      });
    }
  }
});
