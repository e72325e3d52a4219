// Boundary checks for compile() and TrainingProgram: the spec once at compile time, batches
// and state on every call. Every message names the field and both the expected and the
// actual value, so a caller can fix the call without reading this code.

import type { AnyTypedArray, DType } from '../onnx/dtype';
import { assertArrayMatches } from '../onnx/dtype';
import type { HostTensor } from '../onnx/session';
import type { StateEntry } from './fused';
import type { BatchFieldSpec, FusedSpec } from './spec';
import { bucketsOf } from './flat';
import { validateOptimizer } from './optimizer';
import { validateSchedule } from './schedule';
import { elementCount } from '../shape';

/** A batch field: a host tensor, or a bare typed array holding all K·M micro-batches. */
export type BatchInput = HostTensor | AnyTypedArray;

const dims = (d: readonly number[]): string => `[${d.join(', ')}]`;
const isPositiveInt = (x: number): boolean => Number.isInteger(x) && x >= 1;

export function validateSpec(spec: FusedSpec): void {
  if (!isPositiveInt(spec.k)) throw new Error(`compile(): k must be an integer ≥ 1, got ${spec.k}`);
  const m = spec.accumulation ?? 1;
  if (!isPositiveInt(m)) throw new Error(`compile(): accumulation must be an integer ≥ 1, got ${m}`);
  if (spec.clipNorm !== undefined && !(spec.clipNorm > 0))
    throw new Error(`compile(): clipNorm must be > 0, got ${spec.clipNorm}`);
  if (spec.params.length === 0) throw new Error('compile(): params is empty; nothing to train');
  if (spec.batch.length === 0) throw new Error('compile(): batch has no fields');
  const dtype = spec.params[0].dtype ?? 'float32';
  const seen = new Set<string>();
  for (const p of spec.params) {
    if (seen.has(p.name)) throw new Error(`compile(): parameter '${p.name}' is listed twice`);
    seen.add(p.name);
    if ((p.dtype ?? 'float32') !== dtype) {
      throw new Error(
        `compile(): parameter '${p.name}' is ${p.dtype ?? 'float32'} but '${spec.params[0].name}' is ${dtype}; all parameters share one dtype`,
      );
    }
    if (!p.shape.every(isPositiveInt))
      throw new Error(`compile(): parameter '${p.name}' has shape ${dims(p.shape)}; dims must be integers ≥ 1`);
  }
  const fields = new Set<string>();
  for (const f of spec.batch) {
    if (fields.has(f.name)) throw new Error(`compile(): batch field '${f.name}' is listed twice`);
    fields.add(f.name);
    if (!f.shape.every(isPositiveInt))
      throw new Error(`compile(): batch field '${f.name}' has shape ${dims(f.shape)}; dims must be integers ≥ 1`);
  }
  if (spec.maxBucketBytes !== undefined && !(spec.maxBucketBytes >= 1 && Number.isFinite(spec.maxBucketBytes)))
    throw new Error(`compile(): maxBucketBytes must be a number ≥ 1, got ${spec.maxBucketBytes}`);
  validateOptimizer(spec.optimizer);
  validateSchedule(spec.schedule);
  bucketsOf(spec); // the state layout, which names what it refuses
}

/**
 * Checks one call's batches and returns them as host tensors of shape [K·M, ...shape].
 * A field may also be given as [K, M, ...shape] (same memory) or as a bare typed array.
 */
export function stackedBatches(
  spec: FusedSpec,
  batches: Readonly<Record<string, BatchInput>>,
): Record<string, HostTensor> {
  const k = spec.k;
  const m = spec.accumulation ?? 1;
  const expectedNames = spec.batch.map((f) => f.name);
  for (const name of Object.keys(batches)) {
    if (!expectedNames.includes(name))
      throw new Error(`step(): unknown batch field '${name}'; expected fields: ${expectedNames.join(', ')}`);
  }
  const out: Record<string, HostTensor> = {};
  for (const field of spec.batch) {
    const value = batches[field.name];
    if (value === undefined)
      throw new Error(`step(): missing batch field '${field.name}'; expected fields: ${expectedNames.join(', ')}`);
    out[field.name] = checkField(field, value, k, m);
  }
  return out;
}

function checkField(field: BatchFieldSpec, value: BatchInput, k: number, m: number): HostTensor {
  const expected = [k * m, ...field.shape];
  const what = `K·M = ${k}·${m} stacked micro-batches of ${dims(field.shape)}`;
  const data = 'data' in value ? value.data : value;
  checkDtype(`batch field '${field.name}'`, field.dtype, 'dtype' in value ? value.dtype : null, data);
  if (!('dims' in value)) {
    if (data.length !== elementCount(expected)) {
      throw new Error(
        `batch field '${field.name}': expected ${elementCount(expected)} values for shape ${dims(expected)} (${what}), got ${data.length}`,
      );
    }
    return { dtype: field.dtype, dims: expected, data };
  }
  const split = [k, m, ...field.shape];
  if (dims(value.dims) !== dims(expected) && !(m > 1 && dims(value.dims) === dims(split))) {
    throw new Error(`batch field '${field.name}': expected shape ${dims(expected)} (${what}), got ${dims(value.dims)}`);
  }
  return { dtype: field.dtype, dims: expected, data };
}

function checkDtype(what: string, expected: DType, declared: DType | null, data: AnyTypedArray): void {
  if (declared !== null && declared !== expected)
    throw new Error(`${what}: expected dtype ${expected}, got ${declared}`);
  try {
    assertArrayMatches(expected, data, what);
  } catch {
    throw new Error(`${what}: expected ${expected} data, got a ${data.constructor.name}`);
  }
}

/** Checks a state tensor against its entry; returns it with the entry's dims. */
export function checkStateTensor(entry: StateEntry, value: HostTensor | undefined, origin: string): HostTensor {
  if (value === undefined) throw new Error(`${origin}: missing '${entry.name}' (${entry.dtype}${dims(entry.shape)})`);
  checkDtype(`${origin}: '${entry.name}'`, entry.dtype, value.dtype, value.data);
  if (dims(value.dims) !== dims(entry.shape)) {
    throw new Error(`${origin}: '${entry.name}' has shape ${dims(value.dims)}, expected ${dims(entry.shape)}`);
  }
  return value;
}
