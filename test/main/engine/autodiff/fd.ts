// Finite-difference checker for gradient rules: builds f in float64, takes
// loss = ReduceSum(f(x)·R) with a fixed random R, runs the analytic gradient once and compares
// it to central differences of the forward graph, element by element.
import type { AnyTypedArray } from '../../../../src/main/engine/onnx/dtype';
import { Graph, op, serializeModel } from '../../../../src/main/engine/onnx';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import type { GradientRegistry } from '../../../../src/main/engine/autodiff';
import { gradients } from '../../../../src/main/engine/autodiff';

/** Deterministic uniform numbers in [lo, hi) (mulberry32). */
export function randoms(n: number, seed: number, lo = -1, hi = 1): number[] {
  let a = seed >>> 0;
  return Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  });
}

export interface FdInput {
  readonly name: string;
  readonly shape: readonly number[];
  /** float64 (default, random in [-1, 1) then `map`) or int64 (fixed `values`, not differentiated). */
  readonly dtype?: 'float64' | 'int64';
  readonly values?: readonly number[];
  readonly map?: (v: number) => number;
  /** Differentiate w.r.t. this input (default: float inputs). */
  readonly isWrt?: boolean;
}

export interface FdCase {
  readonly inputs: readonly FdInput[];
  readonly build: (xs: Tensor[]) => Tensor;
  readonly registry?: GradientRegistry;
  readonly seed?: number;
  /**
   * The graph draws random numbers (Dropout with a seed attribute): ORT's generator advances
   * per run, so every loss evaluation uses a fresh session, whose first run draws the same mask.
   */
  readonly isStochastic?: boolean;
}

export interface FdResult {
  /** Per wrt input: the analytic gradient, or null when the walker returned none. */
  readonly analytic: (number[] | null)[];
  readonly numeric: number[][];
  /** max |analytic − numeric| / (1 + |numeric|) over all elements (null treated as zeros). */
  readonly maxError: number;
}

const EPS = 1e-5;

function feedsFor(c: FdCase, values: number[][]): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  c.inputs.forEach((inp, i) => {
    const data: AnyTypedArray =
      inp.dtype === 'int64' ? BigInt64Array.from(values[i], (v) => BigInt(v)) : Float64Array.from(values[i]);
    feeds[inp.name] = { dtype: inp.dtype ?? 'float64', dims: inp.shape, data };
  });
  return feeds;
}

function buildLoss(c: FdCase, g: Graph): { loss: Tensor; xs: Tensor[] } {
  const xs = c.inputs.map((inp) => g.input(inp.name, inp.dtype ?? 'float64', inp.shape));
  const y = c.build(xs);
  const shape = y.shape as number[];
  const n = shape.reduce((a, b) => a * b, 1);
  const r = g.constant({ dtype: 'float64', shape, data: Float64Array.from(randoms(n, (c.seed ?? 7) + 1000)) });
  return { loss: op.reduceSum(op.mul(y, r), null), xs };
}

export async function checkGradients(c: FdCase): Promise<FdResult> {
  const values = c.inputs.map((inp, i) => {
    if (inp.values) return [...inp.values];
    const n = inp.shape.reduce((a, b) => a * b, 1);
    return randoms(n, (c.seed ?? 7) + 17 * i).map(inp.map ?? ((v) => v));
  });
  const wrtIdx = c.inputs.flatMap((inp, i) => ((inp.isWrt ?? inp.dtype !== 'int64') ? [i] : []));

  const gradGraph = new Graph('grad_check');
  const { loss, xs } = buildLoss(c, gradGraph);
  const grads = gradients(
    loss,
    wrtIdx.map((i) => xs[i]),
    { registry: c.registry },
  );
  const names: string[] = [];
  grads.forEach((t, k) => {
    if (t) names.push(gradGraph.output(t, `d_${c.inputs[wrtIdx[k]].name}`).name);
  });
  gradGraph.output(loss, 'loss_out');
  const gradSession = await EngineSession.create(serializeModel(gradGraph));
  const out = await gradSession.runHost(feedsFor(c, values));
  await gradSession.release();
  const analytic = wrtIdx.map((i, k) =>
    grads[k] ? Array.from(out[`d_${c.inputs[i].name}`].data as Float64Array) : null,
  );

  const fwdGraph = new Graph('forward');
  fwdGraph.output(buildLoss(c, fwdGraph).loss, 'loss_out');
  const fwdBytes = serializeModel(fwdGraph);
  let fwd = await EngineSession.create(fwdBytes);
  const lossAt = async (vals: number[][]): Promise<number> => {
    if (c.isStochastic) {
      await fwd.release();
      fwd = await EngineSession.create(fwdBytes);
    }
    return (await fwd.runHost(feedsFor(c, vals), ['loss_out'])).loss_out.data[0] as number;
  };
  const numeric: number[][] = [];
  let maxError = 0;
  for (const [k, i] of wrtIdx.entries()) {
    const row: number[] = [];
    for (let e = 0; e < values[i].length; e++) {
      const plus = values.map((v) => [...v]);
      const minus = values.map((v) => [...v]);
      plus[i][e] += EPS;
      minus[i][e] -= EPS;
      const d = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * EPS);
      row.push(d);
      const a = analytic[k]?.[e] ?? 0;
      maxError = Math.max(maxError, Math.abs(a - d) / (1 + Math.abs(d)));
    }
    numeric.push(row);
  }
  await fwd.release();
  return { analytic, numeric, maxError };
}

/** Tolerance of the FD comparison in float64 (central differences, eps 1e-5). */
export const FD_TOLERANCE = 1e-6;
