// The state layout of a training program: which parameters share one buffer ("bucket").
// 'flat' (AdamW's default) packs parameters into 1-D buffers per weight-decay class, so clipping
// and the update are a handful of nodes per buffer instead of ~13 per tensor (DESIGN.md §3,
// "Flat state"; as PyTorch's foreach/fused AdamW). The model still reads one tensor per
// parameter: views cut by Split (+ Reshape), or on the CPU fed by the host as sub-arrays of the
// buffers. 'stacked' (Adafactor's default) stacks parameters of one shape on a new leading
// axis, so Adafactor, whose statistics are per matrix, updates each stack in one set of nodes
// (~30) instead of each parameter in its own. 'per-tensor' is one bucket per parameter.

import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import type { HostTensor } from '../onnx/session';
import type { AnyTypedArray } from '../onnx/dtype';
import { DTYPE_BYTES } from '../onnx/dtype';
import { isDecayed, stateName, stateShapes } from './optimizer';
import type { FusedSpec, StateLayout } from './spec';
import { elementCount } from '../shape';

export const STATE_LAYOUTS: readonly StateLayout[] = ['flat', 'stacked', 'per-tensor'];

/**
 * Most bytes in one flat bucket when the CPU runs the step: 4 MiB, so that the update's
 * passes over a bucket stay in cache. Measured on the optimizer alone at t5-small's 131
 * tensors (60.5M parameters, 1 thread, the shared 2-core machine): 4 MiB buckets took
 * 0.49–0.55 s of CPU per step against 0.55–0.71 s per tensor, at the same peak RSS; 16 MiB
 * ones 0.60–0.79 s and +200 MB; 128 MiB ones 0.81–0.89 s and +700 MB (every elementwise node
 * of the update writes a bucket-sized temporary). Adafactor's stacks agree (the whole t5-small
 * step, B=8 128/29, 2 threads, 2026-12-03 on another machine): 4 MiB 1,023–1,096 ms per step,
 * 16 MiB 1,089–1,102 ms, 128 MiB 1,465–1,560 ms and +170 MB.
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
  /** [Σ sizes] for a flat bucket, [G, ...shape] for a stack of G; the parameter's shape for a per-tensor one. */
  readonly shape: readonly number[];
  /** Whether the bucket holds its members as sub-arrays of one buffer (flat or stacked). */
  readonly isFlat: boolean;
  /** Whether its leading axis stacks its members (layout 'stacked'): each member is one index of it. */
  readonly isStacked: boolean;
  /** Whether weight decay applies (every member shares it). */
  readonly isDecayed: boolean;
  readonly members: readonly BucketMember[];
}

/** The dtype every parameter shares (validate.ts checks that they do). */
export function paramDtype(spec: FusedSpec): 'float32' | 'float64' {
  return spec.params[0]?.dtype ?? 'float32';
}

/** The layout a spec asks for: flat for AdamW and stacked for Adafactor unless told otherwise. */
export function layoutOf(spec: FusedSpec): StateLayout {
  const layout = spec.stateLayout ?? (spec.optimizer.kind === 'adamw' ? 'flat' : 'stacked');
  if (!STATE_LAYOUTS.includes(layout))
    throw new Error(`compile(): unknown stateLayout '${layout}'; expected one of: ${STATE_LAYOUTS.join(', ')}`);
  if (layout === 'flat' && spec.optimizer.kind === 'adafactor') {
    // NOTE: Adafactor's row/column statistics, update clipping and parameter scale are per
    // matrix, so a flat buffer would only add a copy.
    throw new Error(
      "compile(): Adafactor factors its statistics per matrix; use stateLayout 'stacked' or 'per-tensor'",
    );
  }
  return layout;
}

/**
 * The buckets of `spec` in a fixed order (decayed buckets first): per parameter, flat (members
 * keep spec order and fill a bucket up to spec.maxBucketBytes; a parameter larger than that
 * has a bucket of its own) or stacked (stackedBuckets).
 */
export function bucketsOf(spec: FusedSpec): Bucket[] {
  const layout = layoutOf(spec);
  if (layout === 'per-tensor') return spec.params.map((p) => ownBucket(p, isDecayed(spec.optimizer, p)));
  const buckets = layout === 'stacked' ? stackedBuckets(spec) : flatBuckets(spec);
  const taken = new Set(spec.params.map((p) => p.name));
  for (const b of buckets)
    if (b.isFlat && taken.has(b.name))
      throw new Error(`compile(): parameter name '${b.name}' is reserved for a ${layout} state buffer`);
  return buckets;
}

/** A parameter's own bucket (per-tensor, or alone in its stack). */
function ownBucket(p: { name: string; shape: readonly number[] }, decayed: boolean): Bucket {
  const members = [{ name: p.name, shape: p.shape, offset: 0, size: elementCount(p.shape) }];
  return { name: p.name, shape: p.shape, isFlat: false, isStacked: false, isDecayed: decayed, members };
}

/** Most elements of one flat or stacked bucket (spec.maxBucketBytes; the CPU's size by default). */
const maxElementsOf = (spec: FusedSpec): number =>
  Math.floor((spec.maxBucketBytes ?? CPU_BUCKET_BYTES) / DTYPE_BYTES[paramDtype(spec)]);

/**
 * Per decay class (decayed first), parameters of one shape in stacks of up to maxElementsOf
 * (at least one each), in the order each shape first appears; a stack of one is the
 * parameter's own bucket.
 */
function stackedBuckets(spec: FusedSpec): Bucket[] {
  const maxElements = maxElementsOf(spec);
  const buckets: Bucket[] = [];
  for (const isDecayedClass of [true, false]) {
    const byShape = new Map<string, { name: string; shape: readonly number[] }[]>();
    for (const p of spec.params.filter((q) => isDecayed(spec.optimizer, q) === isDecayedClass)) {
      const key = p.shape.join('x');
      byShape.set(key, [...(byShape.get(key) ?? []), p]);
    }
    for (const group of byShape.values()) {
      const size = elementCount(group[0].shape);
      const per = Math.max(1, Math.floor(maxElements / size));
      for (let at = 0; at < group.length; at += per) {
        const stack = group.slice(at, at + per);
        if (stack.length === 1) {
          buckets.push(ownBucket(stack[0], isDecayedClass));
          continue;
        }
        buckets.push({
          name: `stack/${isDecayedClass ? 'decay' : 'nodecay'}/${buckets.filter((b) => b.isStacked && b.isDecayed === isDecayedClass).length}`,
          shape: [stack.length, ...stack[0].shape],
          isFlat: true,
          isStacked: true,
          isDecayed: isDecayedClass,
          members: stack.map((p, i) => ({ name: p.name, shape: p.shape, offset: i * size, size })),
        });
      }
    }
  }
  return buckets;
}

/** Per decay class (decayed first), members in spec order filling 1-D buckets up to maxElementsOf. */
function flatBuckets(spec: FusedSpec): Bucket[] {
  const decayedOf = (p: { name: string; shape: readonly number[] }): boolean => isDecayed(spec.optimizer, p);
  const maxElements = maxElementsOf(spec);
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
        isStacked: false,
        isDecayed: isDecayedClass,
        members,
      });
      members = [];
      size = 0;
    };
    for (const p of spec.params.filter((q) => decayedOf(q) === isDecayedClass)) {
      const n = elementCount(p.shape);
      if (size > 0 && size + n > maxElements) close();
      members.push({ name: p.name, shape: p.shape, offset: size, size: n });
      size += n;
    }
    close();
  }
  return buckets;
}

/**
 * Each parameter as a view of its bucket, keyed by name: one Split per flat bucket (along the
 * stack for a stacked one), then a Reshape to the parameter's shape (free on the CPU: ORT
 * aliases Reshape's output). With
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
      b.members.map((m) => (b.isStacked ? 1 : m.size)),
      maxSplitOutputs,
    ); // (size) each, or (1, ...shape) when stacked
    const isShaped = (m: BucketMember): boolean => !b.isStacked && m.shape.length === 1;
    b.members.forEach((m, j) => views.set(m.name, isShaped(m) ? pieces[j] : op.reshape(pieces[j], m.shape)));
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

/**
 * The gradient of each bucket: the members' gradients flattened (or each given a stack axis)
 * and concatenated (one Concat).
 */
export function bucketGradients(buckets: readonly Bucket[], gradOf: ReadonlyMap<string, Tensor>): Tensor[] {
  return buckets.map((b) => {
    const parts = b.members.map((m) => {
      const grad = gradOf.get(m.name);
      if (!grad) throw new Error(`bucketGradients: no gradient for parameter '${m.name}'`);
      if (b.isStacked) return op.reshape(grad, [1, ...m.shape]); // (1, ...shape)
      return b.isFlat && grad.rank !== 1 ? op.reshape(grad, [-1]) : grad; // (size)
    });
    return parts.length === 1 ? parts[0] : op.concat(parts, 0); // (Σ sizes)
  });
}

/** A host buffer of a bucket: its graph name, its shape, and each member's part (host name, place). */
interface BucketBuffer {
  readonly buffer: string;
  readonly shape: readonly number[];
  readonly held: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number }[];
}

/**
 * The host buffers of each bucket: its parameter buffer and one per optimizer slot, each with
 * the host names of what it holds per member (`<param>`, `opt.<slot>/<param>`). NOTE: a flat
 * bucket's slots hold each member's slot at the member's offset, which is only true of
 * elementwise slots (AdamW's m and v; layoutOf refuses flat Adafactor); a stack's hold the
 * i-th member's slot at index i of the stack.
 */
function buffersOf(spec: FusedSpec, bucket: Bucket): BucketBuffer[] {
  const params = { buffer: bucket.name, shape: bucket.shape, held: bucket.members };
  const slots = Object.entries(stateShapes(spec.optimizer, bucket.shape, bucket.isStacked));
  return [
    params,
    ...slots.map(([slot, shape]) => {
      const each = shape.slice(1);
      const held = bucket.members.map((m, i) => {
        const name = stateName(m.name, slot);
        return bucket.isStacked
          ? { name, shape: each, offset: i * elementCount(each) }
          : { name, shape: m.shape, offset: m.offset };
      });
      return { buffer: stateName(bucket.name, slot), shape, held };
    }),
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
    for (const { buffer, shape, held } of buffersOf(spec, bucket)) {
      const values = held.map((h) => valueOf(h.name));
      if (!values.every((v): v is HostTensor => v !== undefined)) continue;
      if (!bucket.isFlat) {
        out.set(buffer, values[0]);
        continue;
      }
      const data = newLike(values[0].data, elementCount(shape));
      held.forEach((h, i) => (data as Float32Array).set(values[i].data as Float32Array, h.offset));
      out.set(buffer, { dtype: values[0].dtype, dims: [...shape], data });
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
        out.set(held[0].name, host);
        continue;
      }
      for (const h of held) out.set(h.name, memberOf(host, { ...h, size: elementCount(h.shape) }));
    }
  }
  return out;
}

function newLike(like: AnyTypedArray, n: number): AnyTypedArray {
  const Ctor = like.constructor as new (length: number) => AnyTypedArray;
  return new Ctor(n);
}
