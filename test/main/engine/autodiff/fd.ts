// Finite-difference checker for gradient rules: builds f in float64, takes
// loss = ReduceSum(f(x)·R) with a fixed random R, runs the analytic gradient once and compares
// it to central differences of the forward graph, element by element. It also proves the
// check has teeth: for every rule on the path and every input it differentiates, a copy of
// the registry whose rule is off by a factor 1.5 on that input must fail the comparison.
import type { AnyTypedArray } from '../../../../src/main/engine/onnx/dtype';
import * as op from '../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import type { GradientRegistry } from '../../../../src/main/engine/autodiff/registry';
import { defaultRegistry, isScatterAdd } from '../../../../src/main/engine/autodiff/registry';
import { gradients } from '../../../../src/main/engine/autodiff/gradients';
import { Rng } from '../../../../src/main/engine/rng';
import { elementCount } from '../../../../src/main/engine/shape';

/** Deterministic uniform numbers in [lo, hi) from the engine's seeded generator. */
export function randoms(n: number, seed: number, lo = -1, hi = 1): number[] {
  const rng = Rng.fromWords(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * rng.nextFloat());
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
  /** Also run the mutation check (default true). */
  readonly shouldMutate?: boolean;
}

export interface Mutation {
  readonly opType: string;
  readonly input: number;
  /** The FD error with this rule's gradient for this input scaled by 1.5. */
  readonly maxError: number;
}

export interface FdResult {
  /** Per wrt input: the analytic gradient, or null when the walker returned none. */
  readonly analytic: (number[] | null)[];
  readonly numeric: number[][];
  /** max |analytic − numeric| / (1 + |numeric|) over all elements (null treated as zeros). */
  readonly maxError: number;
  readonly mutations: readonly Mutation[];
}

const EPS = 1e-5;

/** Tolerance of the FD comparison in float64 (central differences, eps 1e-5). */
export const FD_TOLERANCE = 1e-6;

function feedsFor(c: FdCase, values: number[][]): Record<string, HostTensor> {
  const feeds: Record<string, HostTensor> = {};
  c.inputs.forEach((inp, i) => {
    const data: AnyTypedArray =
      inp.dtype === 'int64' ? BigInt64Array.from(values[i], (v) => BigInt(v)) : Float64Array.from(values[i]);
    feeds[inp.name] = { dtype: inp.dtype ?? 'float64', dims: inp.shape, data };
  });
  return feeds;
}

/** Builds loss = ΣR·f(x); also returns the op types f itself used. */
function buildLoss(c: FdCase, g: Graph): { loss: Tensor; xs: Tensor[]; opTypes: Set<string> } {
  const xs = c.inputs.map((inp) => g.input(inp.name, inp.dtype ?? 'float64', inp.shape));
  const before = g.nodes.length;
  const y = c.build(xs);
  const opTypes = new Set(g.nodes.slice(before).map((n) => n.opType));
  const shape = y.shape as number[];
  const n = elementCount(shape);
  const r = g.constant({ dtype: 'float64', shape, data: Float64Array.from(randoms(n, (c.seed ?? 7) + 1000)) });
  return { loss: op.reduceSum(op.mul(y, r), null), xs, opTypes };
}

const wrtIndices = (c: FdCase): number[] =>
  c.inputs.flatMap((inp, i) => ((inp.isWrt ?? inp.dtype !== 'int64') ? [i] : []));

async function analyticGradients(
  c: FdCase,
  values: number[][],
  registry: GradientRegistry,
): Promise<(number[] | null)[]> {
  const wrtIdx = wrtIndices(c);
  const g = new Graph('grad_check');
  const { loss, xs } = buildLoss(c, g);
  const grads = gradients(
    loss,
    wrtIdx.map((i) => xs[i]),
    { registry },
  );
  grads.forEach((t, k) => {
    if (t) g.output(t, `d_${c.inputs[wrtIdx[k]].name}`);
  });
  g.output(loss, 'loss_out');
  const session = await EngineSession.create(serializeModel(g));
  const out = await session.runHost(feedsFor(c, values));
  await session.release();
  return wrtIdx.map((i, k) => (grads[k] ? Array.from(out[`d_${c.inputs[i].name}`].data as Float64Array) : null));
}

async function numericGradients(c: FdCase, values: number[][]): Promise<number[][]> {
  const g = new Graph('forward');
  g.output(buildLoss(c, g).loss, 'loss_out');
  const bytes = serializeModel(g);
  let fwd = await EngineSession.create(bytes);
  const lossAt = async (vals: number[][]): Promise<number> => {
    if (c.isStochastic) {
      await fwd.release();
      fwd = await EngineSession.create(bytes);
    }
    return (await fwd.runHost(feedsFor(c, vals), ['loss_out'])).loss_out.data[0] as number;
  };
  const numeric: number[][] = [];
  for (const i of wrtIndices(c)) {
    const row: number[] = [];
    for (let e = 0; e < values[i].length; e++) {
      const plus = values.map((v) => [...v]);
      const minus = values.map((v) => [...v]);
      plus[i][e] += EPS;
      minus[i][e] -= EPS;
      row.push(((await lossAt(plus)) - (await lossAt(minus))) / (2 * EPS));
    }
    numeric.push(row);
  }
  await fwd.release();
  return numeric;
}

function errorOf(analytic: readonly (number[] | null)[], numeric: readonly number[][]): number {
  let maxError = 0;
  numeric.forEach((row, k) =>
    row.forEach((d, e) => {
      const a = analytic[k]?.[e] ?? 0;
      maxError = Math.max(maxError, Math.abs(a - d) / (1 + Math.abs(d)));
    }),
  );
  return maxError;
}

/** A registry copy whose `opType` rule scales its gradient for input `input` by 1.5. */
function mutated(
  base: GradientRegistry,
  opType: string,
  input: number,
): { registry: GradientRegistry; hits: () => number } {
  const registry = base.clone();
  const rule = base.rule(opType);
  let hits = 0;
  if (rule) {
    registry.register(opType, (ctx) =>
      rule(ctx).map((t, i) => {
        if (i !== input || !t || !ctx.needs(i)) return t;
        hits++;
        return isScatterAdd(t) ? { ...t, updates: op.mul(t.updates, 1.5) } : op.mul(t, 1.5);
      }),
    );
  }
  return { registry, hits: () => hits };
}

export async function checkGradients(c: FdCase): Promise<FdResult> {
  const values = c.inputs.map((inp, i) => {
    if (inp.values) return [...inp.values];
    const n = elementCount(inp.shape);
    return randoms(n, (c.seed ?? 7) + 17 * i).map(inp.map ?? ((v) => v));
  });
  const registry = c.registry ?? defaultRegistry;
  const analytic = await analyticGradients(c, values, registry);
  const numeric = await numericGradients(c, values);
  const mutations: Mutation[] = [];
  if (c.shouldMutate ?? true) {
    const probe = new Graph('probe');
    const opTypes = buildLoss(c, probe).opTypes;
    for (const opType of [...opTypes].filter((t) => registry.rule(t))) {
      const arity = Math.max(...probe.nodes.filter((n) => n.opType === opType).map((n) => n.inputs.length));
      for (let input = 0; input < arity; input++) {
        const m = mutated(registry, opType, input);
        const wrong = await analyticGradients(c, values, m.registry);
        if (m.hits() > 0) mutations.push({ opType, input, maxError: errorOf(wrong, numeric) });
      }
    }
  }
  return { analytic, numeric, maxError: errorOf(analytic, numeric), mutations };
}
