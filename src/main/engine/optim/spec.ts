// The training spec that compile() takes and the graph builders share: the parameters, the
// batch fields, the model builder and the optimizer/schedule/clipping/accumulation settings.
// Types (and buildDeviceOf, the one rule from a provider to the device its graphs are built
// for), in their own module so that fused.ts (the step graph) and accumulate.ts (the
// micro-batch sums it calls) both read them without importing each other.

import type { DType } from '../onnx/dtype';
import type { HostTensor, ProviderName } from '../onnx/session';
import type { Graph, Tensor } from '../onnx/graph';
import type { OptimizerConfig } from './optimizer';
import type { ScheduleConfig } from './schedule';

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** 'float32' (default) or 'float64'; all parameters share one dtype. */
  readonly dtype?: 'float32' | 'float64';
}

export interface BatchFieldSpec {
  readonly name: string;
  readonly dtype: DType;
  /** The shape of one micro-batch of this field, e.g. [B, Te]. */
  readonly shape: readonly number[];
}

/**
 * Where in training one model build runs, as int64 scalars visible from its graph. Randomness
 * derived from these (dropout masks, onnx/random.ts) is a pure function of the step, so K steps
 * per call, a re-created session and a resumed run all draw the same masks.
 */
export interface StepPosition {
  /** Optimizer steps completed before this one (the carried step counter, a float32 scalar). */
  readonly step: Tensor;
  /** The micro-batch's index within its step, 0…M−1 (int32; int64 inside an accumulation Loop). */
  readonly micro: Tensor;
  /**
   * What the graph is built to run on, for builders that shape it to the device: a GPU wants
   * few nodes (each is a dispatch), the CPU cache-sized ones (e.g. t5/training.ts's dropout masks).
   */
  readonly device: BuildDevice;
}

/** The kind of execution provider a graph is built for. */
export type BuildDevice = 'cpu' | 'gpu';

/** The device a graph for `provider` is built for: every provider but the CPU is a GPU's. */
export function buildDeviceOf(provider: ProviderName): BuildDevice {
  return provider === 'cpu' ? 'cpu' : 'gpu';
}

/** The device a graph is built for: `graphDevice` when one is asked for, else the first provider's (the CPU's by default). */
export function graphDeviceFor(providers: readonly ProviderName[] | undefined, graphDevice?: BuildDevice): BuildDevice {
  return graphDevice ?? buildDeviceOf(providers?.[0] ?? 'cpu');
}

/**
 * Builds the loss (a float scalar) from parameters and one micro-batch, in graph `g`: a Loop
 * body in the K-step graph, and it may be called more than once per model (accumulation), so
 * it must not add graph inputs or fixed-name initializers (anonymous g.constant is fine).
 */
export type ModelBuilder = (
  g: Graph,
  params: Readonly<Record<string, Tensor>>,
  batch: Readonly<Record<string, Tensor>>,
  at: StepPosition,
) => ModelLoss;

export interface ModelLoss {
  /** The mean of the micro-batch's item losses (e.g. over its labelled tokens). */
  readonly loss: Tensor;
  /**
   * Builds the number of items `loss` is the mean of (a scalar of its dtype, in `g`; 0 when
   * there are none, where `loss` must be 0). Only accumulation calls it: a step's loss is then
   * Σⱼ nⱼ·lossⱼ / Σⱼ nⱼ, as one batch of all its micro-batches' rows. Without it, micro-batches
   * count alike (the mean of their means: the same when every micro-batch has as many items).
   */
  readonly itemCount?: () => Tensor;
}

export interface FusedSpec {
  readonly build: ModelBuilder;
  readonly params: readonly ParamSpec[];
  readonly batch: readonly BatchFieldSpec[];
  readonly optimizer: OptimizerConfig;
  readonly schedule: ScheduleConfig;
  /** Global-norm clipping threshold; without it gradients are not clipped (the norm is still reported). */
  readonly clipNorm?: number;
  /**
   * M micro-batches per optimizer step (default 1); the step's loss and gradient are those of
   * one batch of all their rows: summed over their items, divided by the step's item count
   * (ModelLoss.itemCount).
   */
  readonly accumulation?: number;
  /** Optimizer steps per call. */
  readonly k: number;
  /**
   * How parameters and optimizer state are stored (flat.ts): 'flat' buffers (AdamW's default),
   * parameters of one shape 'stacked' on a leading axis (Adafactor's default), or one tensor per
   * parameter ('per-tensor'). Numbers are the same either way except the last bits of sums
   * (the gradient norm; Adafactor's means), whose order changes.
   */
  readonly stateLayout?: StateLayout;
  /** Most bytes per flat buffer (flat.ts; compile() picks the CPU's or a GPU's size by provider). */
  readonly maxBucketBytes?: number;
  /** Batch fields a program may compute on the host each step instead of the graph (HostFields). */
  readonly hostFields?: HostFields;
}

/**
 * Batch fields that the CPU's one-step runs (hostProgram.ts, and program.ts's with the update
 * in the graph) compute on the host and feed, e.g. t5/training.ts's dropout masks. The model
 * builder finds them among its batch tensors when they are fed, and builds the same values in
 * the graph when they are not (a Loop, a GPU's graph), so either way the numbers agree.
 */
export interface HostFields {
  /** The fields of one micro-batch (their names must not clash with the spec's batch). */
  readonly fields: readonly BatchFieldSpec[];
  /**
   * What computes the fields for steps of `micro` micro-batches: given the steps completed
   * before a step (the graph's step counter), each field stacked [micro, ...shape]. The values
   * may share memory from one call to the next. null when the host cannot hold them (the
   * program then builds the graph without them, as every other program does).
   */
  source(micro: number): HostFieldSource | null;
}

/** The host fields of a step, by the steps completed before it (HostFields.source). */
export type HostFieldSource = (step: number) => Readonly<Record<string, HostTensor>>;

/** What computes `spec`'s host fields for its M micro-batches; null without any, or when the host cannot hold them. */
export function hostFieldSourceOf(spec: FusedSpec): HostFieldSource | null {
  return spec.hostFields?.source(spec.accumulation ?? 1) ?? null;
}

/** `spec` whose batch holds its host fields too: what a program that feeds them builds its graph from. */
export function withHostFieldsFed<S extends FusedSpec>(spec: S): S {
  return spec.hostFields ? { ...spec, batch: [...spec.batch, ...spec.hostFields.fields] } : spec;
}

export type StateLayout = 'flat' | 'stacked' | 'per-tensor';
