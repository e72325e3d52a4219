// Builds the fused training graph: forward, loss, backward (autodiff, via accumulate.ts),
// clipping, schedule and optimizer update in one ONNX model, over the state layout of
// flat.ts (parameters and moments in a few flat buffers for AdamW). Two shapes:
// 'loop' runs K steps in an ONNX Loop whose carried state is (params, optimizer state, step)
// and whose batches are stacked on a leading K·M axis; 'single' runs one step (K = 1; a call
// of K steps runs it K times: WebGPU has no Loop kernel, and on the CPU a Loop costs memory,
// optim/stepMode.ts). Runtime handling is in program.ts. Reference: ONNX Operators.md#Loop.

import type { DType } from '../onnx/dtype';
import { Graph } from '../onnx/graph';
import type { Tensor } from '../onnx/graph';
import { accumulate } from './accumulate';
import * as op from '../onnx/ops';
import { clipCoefficient, globalNorm } from './clip';
import type { Bucket } from './flat';
import { bucketGradients, bucketsOf, paramDtype, parameterViews, viewInputName } from './flat';
import type { ParamInfo } from './optimizer';
import { applyOptimizer, effectiveRate, stateName, stateShapes } from './optimizer';
import { learningRate } from './schedule';
import type { BuildDevice, FusedSpec } from './spec';

export type FusedMode = 'loop' | 'single';

/** Graph input/output names shared with program.ts. */
export const STEP_NAME = 'train.step';
export const batchInputName = (field: string): string => `batch/${field}`;
export const OUT_LOSSES = 'losses';
export const OUT_GRAD_NORMS = 'gradNorms';
export const OUT_LRS = 'lrs';

/** A state tensor of the program; lists of them are in a fixed order: params, optimizer slots, step. */
export interface StateEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly role: 'param' | 'optimizer' | 'step';
}

/** The graph's state inputs: one per bucket (flat.ts) and optimizer slot of a bucket, then the step. */
export function stateEntries(spec: FusedSpec): StateEntry[] {
  return entriesOf(spec, bucketsOf(spec));
}

/**
 * The state as the host sees it (getState/setState, checkpoints): one entry per parameter and
 * per slot `opt.<slot>/<param>`, whatever the layout. Equal to stateEntries when per-tensor.
 */
export function namedStateEntries(spec: FusedSpec): StateEntry[] {
  return entriesOf(spec, spec.params);
}

function entriesOf(
  spec: FusedSpec,
  holders: readonly { name: string; shape: readonly number[]; isStacked?: boolean }[],
): StateEntry[] {
  const dtype = paramDtype(spec);
  const entries: StateEntry[] = holders.map((p) => ({ name: p.name, dtype, shape: p.shape, role: 'param' }));
  for (const p of holders) {
    for (const [slot, shape] of Object.entries(stateShapes(spec.optimizer, p.shape, p.isStacked))) {
      entries.push({ name: stateName(p.name, slot), dtype, shape, role: 'optimizer' });
    }
  }
  // NOTE: a float32 counter (exact to 2²⁴ steps), not int64: WebGPU has no int64 Add or Cast,
  // and the schedule does its arithmetic in float anyway.
  entries.push({ name: STEP_NAME, dtype: 'float32', shape: [], role: 'step' });
  return entries;
}

interface StepTensors {
  readonly state: Tensor[]; // in stateEntries order
  readonly loss: Tensor;
  readonly gradNorm: Tensor;
  readonly lr: Tensor;
}

/** How the step's micro-batches are found and summed (see accumulate.ts). */
export interface MicroBatches {
  readonly pick: (index: Tensor) => Record<string, Tensor>;
  readonly first: Tensor;
  readonly isLooped: boolean;
}

/**
 * One optimizer step in graph `g`: loss and gradients summed over M micro-batches, their mean
 * over the step's items, clipping, rate and update. `state` holds the current values in
 * stateEntries order; the model reads parameter views of the buckets, the optimizer updates
 * whole buckets.
 */
function buildStep(
  g: Graph,
  spec: FusedSpec,
  state: readonly Tensor[],
  micro: MicroBatches,
  options: FusedGraphOptions,
): StepTensors {
  const buckets = bucketsOf(spec);
  const n = buckets.length;
  const bucketParams = state.slice(0, n);
  const views =
    options.views === 'fed'
      ? fedViews(g, spec, buckets, bucketParams)
      : g.scope('views', () => parameterViews(buckets, bucketParams, options.maxSplitOutputs));
  const params = spec.params.map((p) => views.get(p.name) as Tensor);
  const stepIn = state[state.length - 1];
  const { loss, gradSums, divisor } = microBatchSums(g, spec, params, stepIn, micro, options.device ?? 'cpu');
  return g.scope('optim', () => {
    const gradOf = new Map(spec.params.map((p, i) => [p.name, gradSums[i]]));
    const grads = bucketGradients(buckets, gradOf);
    const { norm, gradScale, t, rate } = stepScalars(spec, grads, stepIn, divisor);
    const infos: ParamInfo[] = buckets.map((b) => ({
      name: b.name,
      shape: b.shape,
      isDecayed: b.isDecayed,
      isStacked: b.isStacked,
    }));
    const slotsOf = sliceSlots(spec, infos, state.slice(n, state.length - 1));
    const updated = applyOptimizer(spec.optimizer, infos, bucketParams, grads, slotsOf, t, rate, gradScale);
    const nextState = [...updated.params];
    updated.state.forEach((slots, i) => {
      for (const slot of Object.keys(stateShapes(spec.optimizer, infos[i].shape, infos[i].isStacked)))
        nextState.push(slots[slot]);
    });
    nextState.push(op.add(stepIn, 1));
    return { state: nextState, loss, gradNorm: norm, lr: rate };
  });
}

/**
 * What turns a step's sums into its means: N, the items of all its micro-batches (at least 1),
 * when the model counts them, else M; null for one micro-batch, whose loss is a mean already.
 */
export type StepDivisor = Tensor | number | null;

/**
 * The step's loss, each parameter's gradient summed over its M micro-batches (accumulate.ts:
 * weighted by their item counts when the model gives them), and the divisor that makes the
 * sums means (the loss is divided already). `params` are the model's parameters in spec order.
 */
export function microBatchSums(
  g: Graph,
  spec: FusedSpec,
  params: readonly Tensor[],
  stepIn: Tensor,
  micro: MicroBatches,
  device: BuildDevice,
): { loss: Tensor; gradSums: Tensor[]; divisor: StepDivisor } {
  const m = spec.accumulation ?? 1;
  const { lossSum, gradSums, itemSum } = accumulate(g, spec, params, { ...micro, step: stepIn, device });
  if (m === 1) return { loss: lossSum, gradSums, divisor: null };
  // N = 0 (no item in the whole step): every sum is 0, and so is the step's loss and gradient.
  const divisor = itemSum ? op.maximum(itemSum, 1) : m;
  return { loss: op.div(lossSum, divisor), gradSums, divisor };
}

/** What an update needs besides the gradients, and the norm it reports. */
export interface StepScalars {
  /** The global norm of the mean gradient, before clipping. */
  readonly norm: Tensor;
  /** The scale that turns the gradient sums into the clipped mean (none when it is 1). */
  readonly gradScale: Tensor | undefined;
  /** The 1-based step number. */
  readonly t: Tensor;
  readonly rate: Tensor;
}

/**
 * The scalars of the step from the gradient sums, their `divisor` (microBatchSums) and the
 * steps done before it (`stepIn`). The mean gradient is Σⱼgⱼ/N; its norm and the clipping
 * coefficient c are scalars, so the update gets the sums and one scalar scale c/N instead of
 * two passes per gradient.
 */
export function stepScalars(
  spec: FusedSpec,
  grads: readonly Tensor[],
  stepIn: Tensor,
  divisor: StepDivisor,
): StepScalars {
  const sumNorm = globalNorm(grads);
  const norm = divisor === null ? sumNorm : op.div(sumNorm, divisor);
  const coef = spec.clipNorm === undefined ? null : clipCoefficient(norm, spec.clipNorm);
  let gradScale: Tensor | undefined;
  if (divisor === null) gradScale = coef ?? undefined;
  else if (coef) gradScale = op.div(coef, divisor);
  else if (typeof divisor === 'number') gradScale = op.scalar(norm.graph, 1 / divisor, norm.dtype);
  else gradScale = op.reciprocal(divisor);
  const dtype = paramDtype(spec);
  const completed = dtype === stepIn.dtype ? stepIn : op.cast(stepIn, dtype); // s: steps done before this one
  const t = op.add(completed, 1); // 1-based step number
  const rate = effectiveRate(spec.optimizer, t, learningRate(completed, spec.schedule));
  return { norm, gradScale, t, rate };
}

/** Groups the optimizer state tensors into one slot record per bucket. */
function sliceSlots(spec: FusedSpec, infos: readonly ParamInfo[], flat: readonly Tensor[]): Record<string, Tensor>[] {
  let at = 0;
  return infos.map((p) => {
    const slots: Record<string, Tensor> = {};
    for (const slot of Object.keys(stateShapes(spec.optimizer, p.shape, p.isStacked))) slots[slot] = flat[at++];
    return slots;
  });
}

export interface FusedGraph {
  readonly graph: Graph;
  /**
   * The graph output holding each state entry's next value. NOTE: these keep their producers'
   * names (no renaming Identity), since ORT would copy every state tensor once more for it.
   */
  readonly nextOutputs: Readonly<Record<string, string>>;
}

export interface FusedGraphOptions {
  /** Micro-batches 1…M−1 in an inner Loop (default true; WebGPU has no Loop kernel). */
  readonly isAccumulationLooped?: boolean;
  /**
   * How the model gets its views of flat buffers: 'split' in the graph (default), or 'fed'
   * ('single' mode only): inputs `view/<param>` that the host feeds as sub-arrays of the
   * buffers it feeds, so on the CPU the views cost no copy.
   */
  readonly views?: 'split' | 'fed';
  /** Most outputs per Split when views are split (WebGPU needs WEBGPU_MAX_SPLIT_OUTPUTS). */
  readonly maxSplitOutputs?: number;
  /** What the graph is built for (default 'cpu'), passed on to the model builder (StepPosition.device). */
  readonly device?: BuildDevice;
}

/** Views of flat buckets as graph inputs (FusedGraphOptions.views 'fed'). */
function fedViews(
  g: Graph,
  spec: FusedSpec,
  buckets: readonly Bucket[],
  bucketParams: readonly Tensor[],
): Map<string, Tensor> {
  const views = new Map<string, Tensor>();
  buckets.forEach((b, i) => {
    if (!b.isFlat) views.set(b.name, bucketParams[i]);
    else for (const m of b.members) views.set(m.name, g.input(viewInputName(m.name), paramDtype(spec), m.shape));
  });
  return views;
}

/**
 * The batch inputs `batch/<field>` of K steps' micro-batches, stacked on a leading K·M axis, and
 * how the model picks one micro-batch of them by its index.
 */
export function batchInputs(g: Graph, spec: FusedSpec, k: number): MicroBatches['pick'] {
  const m = spec.accumulation ?? 1;
  const stacked = spec.batch.map((f) => g.input(batchInputName(f.name), f.dtype, [k * m, ...f.shape]));
  return (index: Tensor): Record<string, Tensor> => {
    const fields: Record<string, Tensor> = {};
    spec.batch.forEach((f, i) => (fields[f.name] = op.gather(stacked[i], index, 0))); // (...shape)
    return fields;
  };
}

/**
 * The whole model. Inputs: every state entry by name and each batch field as
 * `batch/<name>` of shape [K·M, ...shape] ('loop') or [M, ...shape] ('single'), and with
 * views 'fed' a `view/<param>` per parameter held in a flat buffer.
 * Outputs: each entry's next value (named in `nextOutputs`), then `losses`, `gradNorms` and
 * `lrs` of shape [K].
 */
export function buildFusedGraph(spec: FusedSpec, mode: FusedMode, options: FusedGraphOptions = {}): FusedGraph {
  if (options.views === 'fed' && mode === 'loop')
    throw new Error("buildFusedGraph: views 'fed' needs mode 'single' (a Loop carries its state inside)");
  const stepOptions = { isAccumulationLooped: true, ...options };
  const g = new Graph(mode === 'loop' ? 'train_loop' : 'train_step');
  const entries = stateEntries(spec);
  const state = entries.map((e) => g.input(e.name, e.dtype, e.shape));
  const m = spec.accumulation ?? 1;
  const k = mode === 'loop' ? spec.k : 1;
  const pick = batchInputs(g, spec, k);
  let next: Tensor[];
  let scans: Tensor[];
  if (mode === 'loop') {
    const looped = op.loop(g, k, state, (body, iteration, carried) => {
      const first = op.mul(iteration, op.scalar(body, m, 'int64')); // k·M
      const step = buildStep(
        body,
        spec,
        carried,
        { pick, first, isLooped: stepOptions.isAccumulationLooped },
        stepOptions,
      );
      return { carried: step.state, scans: [step.loss, step.gradNorm, step.lr] };
    });
    next = looped.carried;
    scans = looped.scans;
  } else {
    const first = op.scalar(g, 0, 'int32'); // int32: WebGPU has no int64 index arithmetic
    const step = buildStep(g, spec, state, { pick, first, isLooped: stepOptions.isAccumulationLooped }, stepOptions);
    next = step.state;
    scans = [step.loss, step.gradNorm, step.lr].map((t) => op.reshape(t, [1]));
  }
  const nextOutputs: Record<string, string> = {};
  entries.forEach((e, i) => (nextOutputs[e.name] = g.output(next[i]).name));
  g.output(scans[0], OUT_LOSSES);
  g.output(scans[1], OUT_GRAD_NORMS);
  g.output(scans[2], OUT_LRS);
  return { graph: g, nextOutputs };
}
