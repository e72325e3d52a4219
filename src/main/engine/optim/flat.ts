// The state layout of a training program: which parameters share one buffer ("bucket").
// 'flat' (AdamW's default) packs parameters into 1-D buffers per weight-decay class, so clipping
// and the update are a handful of nodes per buffer instead of ~13 per tensor (DESIGN.md §3,
// "Flat state"; as PyTorch's foreach/fused AdamW). The model still reads one tensor per
// parameter: views cut by Split (+ Reshape), or on the CPU fed by the host as sub-arrays of the
// buffers. 'per-tensor' (Adafactor) is one bucket per parameter.

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import type { HostTensor } from '../onnx/session';
import type { AnyTypedArray } from '../onnx/dtype';
import { DTYPE_BYTES } from '../onnx/dtype';
import { isDecayed, stateName, stateShapes } from './optimizer';
import type { FusedSpec, StateLayout } from './spec';

export const STATE_LAYOUTS: readonly StateLayout[] = ['flat', 'per-tensor'];

/**
 * Most bytes in one flat bucket when the CPU runs the step: 4 MiB, so that the update's
 * passes over a bucket stay in cache. Measured on the optimizer alone at t5-small's 131
 * tensors (60.5M parameters, 1 thread, the shared 2-core machine): 4 MiB buckets took
 * 0.49–0.55 s of CPU per step against 0.55–0.71 s per tensor, at the same peak RSS; 16 MiB
 * ones 0.60–0.79 s and +200 MB; 128 MiB ones 0.81–0.89 s and +700 MB (every elementwise node
 * of the update writes a bucket-sized temporary).
 */
export const CPU_BUCKET_BYTES = 2 ** 22;

/**
 * On a GPU, where each node is a dispatch and bandwidth is plentiful: 128 MiB, WebGPU's
 * default maxStorageBufferBindingSize, so a bucket binds on any device.
 */
export const GPU_BUCKET_BYTES = 2 ** 27;

export interface BucketMember {
  readonly name: string;
  readonly shape: readonly number[];
  /** Where the parameter starts in its bucket (elements). */
  readonly offset: number;
  readonly size: number;
}

export interface Bucket {
  /** The state (graph input) name of the bucket's parameter buffer; a parameter's own name when per-tensor. */
  readonly name: string;
  /** [Σ sizes] for a flat bucket; the parameter's shape for a per-tensor one. */
  readonly shape: readonly number[];
  readonly isFlat: boolean;
  /** Whether weight decay applies (every member shares it). */
  readonly isDecayed: boolean;
  readonly members: readonly BucketMember[];
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The dtype every parameter shares (validate.ts checks that they do). */
export function paramDtype(spec: FusedSpec): 'float32' | 'float64' {
  return spec.params[0]?.dtype ?? 'float32';
}

/** The layout a spec asks for: flat for AdamW unless told otherwise; Adafactor is per-tensor. */
export function layoutOf(spec: FusedSpec): StateLayout {
  const layout = spec.stateLayout ?? (spec.optimizer.kind === 'adamw' ? 'flat' : 'per-tensor');
  if (!STATE_LAYOUTS.includes(layout))
    throw new Error(`compile(): unknown stateLayout '${layout}'; expected one of: ${STATE_LAYOUTS.join(', ')}`);
  if (layout === 'flat' && spec.optimizer.kind === 'adafactor') {
    // NOTE: Adafactor's row/column statistics, update clipping and parameter scale are per
    // matrix, so a flat buffer would only add a copy.
    throw new Error("compile(): Adafactor factors its statistics per matrix; use stateLayout 'per-tensor'");
  }
  return layout;
}

/**
 * The buckets of `spec` in a fixed order (decayed buckets first); members keep spec order and
 * fill a bucket up to spec.maxBucketBytes. A parameter larger than that has a bucket of its own.
 */
export function bucketsOf(spec: FusedSpec): Bucket[] {
  const decayedOf = (p: { name: string; shape: readonly number[] }): boolean => isDecayed(spec.optimizer, p);
  if (layoutOf(spec) === 'per-tensor') {
    return spec.params.map((p) => ({
      name: p.name,
      shape: p.shape,
      isFlat: false,
      isDecayed: decayedOf(p),
      members: [{ name: p.name, shape: p.shape, offset: 0, size: sizeOf(p.shape) }],
    }));
  }
  const maxElements = Math.floor((spec.maxBucketBytes ?? CPU_BUCKET_BYTES) / DTYPE_BYTES[paramDtype(spec)]);
  const buckets: Bucket[] = [];
  for (const isDecayedClass of [true, false]) {
    const cls = isDecayedClass ? 'decay' : 'nodecay';
    let members: BucketMember[] = [];
    let size = 0;
    const close = (): void => {
      if (members.length === 0) return;
      buckets.push({
        name: `flat/${cls}/${buckets.filter((b) => b.isDecayed === isDecayedClass).length}`,
        shape: [size],
        isFlat: true,
        isDecayed: isDecayedClass,
        members,
      });
      members = [];
      size = 0;
    };
    for (const p of spec.params.filter((q) => decayedOf(q) === isDecayedClass)) {
      const n = sizeOf(p.shape);
      if (size > 0 && size + n > maxElements) close();
      members.push({ name: p.name, shape: p.shape, offset: size, size: n });
      size += n;
    }
    close();
  }
  const taken = new Set(spec.params.map((p) => p.name));
  for (const b of buckets)
    if (taken.has(b.name)) throw new Error(`compile(): parameter name '${b.name}' is reserved for a flat state buffer`);
  return buckets;
}

/**
 * Each parameter as a view of its bucket, keyed by name: one Split per flat bucket, then a
 * Reshape to the parameter's shape (free on the CPU: ORT aliases Reshape's output). With
 * `maxSplitOutputs`, a tree of Splits with at most that many outputs each (a second copy of
 * the parameters, cheap on a GPU, where the number of dispatches is what counts).
 */
export function parameterViews(
  buckets: readonly Bucket[],
  bucketTensors: readonly Tensor[],
  maxSplitOutputs = Infinity,
): Map<string, Tensor> {
  const views = new Map<string, Tensor>();
  buckets.forEach((b, i) => {
    if (!b.isFlat) {
      views.set(b.name, bucketTensors[i]);
      return;
    }
    const pieces = splitTree(
      bucketTensors[i],
      b.members.map((m) => m.size),
      maxSplitOutputs,
    ); // (size) each
    b.members.forEach((m, j) => views.set(m.name, m.shape.length === 1 ? pieces[j] : op.reshape(pieces[j], m.shape)));
  });
  return views;
}

/** A run of consecutive pieces: one piece (a leaf), or a group that one Split cuts into its parts. */
interface SplitNode {
  readonly size: number;
  readonly parts?: readonly SplitNode[];
}

/**
 * Pieces of `sizes` from 1-D `x`: one Split, or a tree of Splits of at most `fan` outputs with
 * as few Splits as there can be, ⌈(n − 1)/(fan − 1)⌉ for n pieces: runs of `fan` consecutive
 * pieces (or of such runs) become one Split each, only as many as the top Split needs to
 * have at most `fan` outputs.
 */
function splitTree(x: Tensor, sizes: readonly number[], fan: number): Tensor[] {
  let level: SplitNode[] = sizes.map((size) => ({ size }));
  while (level.length > fan) {
    // Each full run of `fan` takes fan − 1 outputs off the level above it.
    const runs = Math.min(Math.ceil((level.length - fan) / (fan - 1)), Math.floor(level.length / fan));
    const grouped: SplitNode[] = [];
    for (let r = 0; r < runs; r++) {
      const parts = level.slice(r * fan, (r + 1) * fan);
      grouped.push({ size: parts.reduce((sum, p) => sum + p.size, 0), parts });
    }
    level = [...grouped, ...level.slice(runs * fan)];
  }
  return cut(x, level);
}

/** The leaves under `nodes`, which together are all of `x`, in order. */
function cut(x: Tensor, nodes: readonly SplitNode[]): Tensor[] {
  if (nodes.length === 1) return nodes[0].parts ? cut(x, nodes[0].parts) : [x];
  const pieces = op.split(
    x,
    nodes.map((n) => n.size),
    0,
  );
  return nodes.flatMap((n, i) => (n.parts ? cut(pieces[i], n.parts) : [pieces[i]]));
}

/** The graph input of a parameter's view when the host feeds views (fused.ts, views 'fed'). */
export const viewInputName = (param: string): string => `view/${param}`;

/** The view feeds of flat parameter buffers: sub-arrays of each, shaped as its parameter (no copy). */
export function viewFeeds(buckets: readonly Bucket[], bufferOf: (name: string) => HostTensor): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const b of buckets) {
    if (!b.isFlat) continue;
    const host = bufferOf(b.name);
    for (const m of b.members) out.set(viewInputName(m.name), memberOf(host, m));
  }
  return out;
}

const memberOf = (host: HostTensor, m: BucketMember): HostTensor => ({
  dtype: host.dtype,
  dims: [...m.shape],
  data: host.data.subarray(m.offset, m.offset + m.size) as AnyTypedArray,
});

/** The gradient of each bucket: the members' gradients flattened and concatenated (one Concat). */
export function bucketGradients(buckets: readonly Bucket[], gradOf: ReadonlyMap<string, Tensor>): Tensor[] {
  return buckets.map((b) => {
    const parts = b.members.map((m) => {
      const grad = gradOf.get(m.name);
      if (!grad) throw new Error(`bucketGradients: no gradient for parameter '${m.name}'`);
      return b.isFlat && grad.rank !== 1 ? op.reshape(grad, [-1]) : grad; // (size)
    });
    return parts.length === 1 ? parts[0] : op.concat(parts, 0); // (Σ sizes)
  });
}

/**
 * The host buffers of each bucket: its parameter buffer and one per optimizer slot (graph
 * names), each with the host names of what it holds per member (`<param>`, `opt.<slot>/<param>`).
 * NOTE: a flat bucket's slots hold each member's slot at the member's offset, which is only
 * true of elementwise slots (AdamW's m and v); layoutOf refuses flat Adafactor.
 */
function buffersOf(spec: FusedSpec, bucket: Bucket): { buffer: string; held: string[] }[] {
  const slots = Object.keys(stateShapes(spec.optimizer, bucket.shape));
  return [
    { buffer: bucket.name, held: bucket.members.map((m) => m.name) },
    ...slots.map((s) => ({ buffer: stateName(bucket.name, s), held: bucket.members.map((m) => stateName(m.name, s)) })),
  ];
}

/**
 * The graph's parameter and optimizer buffers, by graph name, packed from host tensors named
 * per parameter (already checked against namedStateEntries). Per-tensor buffers are the given
 * tensors themselves; flat ones are new arrays. A buffer whose values `valueOf` does not have
 * (undefined) is left out.
 */
export function packState(spec: FusedSpec, valueOf: (name: string) => HostTensor | undefined): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const bucket of bucketsOf(spec)) {
    for (const { buffer, held } of buffersOf(spec, bucket)) {
      const values = held.map(valueOf);
      if (!values.every((v): v is HostTensor => v !== undefined)) continue;
      if (!bucket.isFlat) {
        out.set(buffer, values[0]);
        continue;
      }
      const data = newLike(values[0].data, bucket.shape[0]);
      bucket.members.forEach((m, i) => (data as Float32Array).set(values[i].data as Float32Array, m.offset));
      out.set(buffer, { dtype: values[0].dtype, dims: [...bucket.shape], data });
    }
  }
  return out;
}

/** The inverse of packState: host tensors named per parameter, sharing the buffers' memory. */
export function unpackState(spec: FusedSpec, bufferOf: (name: string) => HostTensor): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const bucket of bucketsOf(spec)) {
    for (const { buffer, held } of buffersOf(spec, bucket)) {
      const host = bufferOf(buffer);
      if (!bucket.isFlat) {
        out.set(held[0], host);
        continue;
      }
      bucket.members.forEach((m, i) => out.set(held[i], memberOf(host, m)));
    }
  }
  return out;
}

function newLike(like: AnyTypedArray, n: number): AnyTypedArray {
  const Ctor = like.constructor as new (length: number) => AnyTypedArray;
  return new Ctor(n);
}
