// Shared test helpers: read a golden case (test/fixtures/README.md format), compare arrays, copy
// a fixture folder with one weight changed (a damaged download).
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadT5Weights, saveT5Model } from '../../../../src/main/engine/t5/weights';
import { loadT5Config } from '../../../../src/main/engine/t5/config';

export const FIXTURES = join(__dirname, '../../../fixtures/t5');

export interface GoldenCase {
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
  decoder_input_ids: number[][];
  loss: number;
  logits: number[];
  logits_shape: [number, number, number];
  grad_norms: Record<string, number>;
  greedy: { input_ids: number[][]; attention_mask: number[][]; max_new_tokens: number; output_ids: number[] };
}

export function readCase(name: string): GoldenCase {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'case.json'), 'utf8')) as GoldenCase;
}

/** ‖a − b‖ / ‖b‖ in float64. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(diff) / Math.sqrt(norm);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Rows of ids as the graphs' int32 batch data. */
export function int32(rows: readonly (readonly number[])[]): Int32Array {
  return Int32Array.from(rows.flat());
}

export function int64(rows: readonly (readonly number[])[]): BigInt64Array {
  return BigInt64Array.from(rows.flat().map((x) => BigInt(x)));
}

/**
 * Fixture folder `name` copied into `dir` (its tokenizer, case and other files too) with `change`
 * applied to weight `tensor`, saved as `dtype`; returns `dir`.
 */
export function damagedFixture(
  dir: string,
  name: string,
  tensor: string,
  change: (data: Float32Array) => void,
  dtype: 'F32' | 'F16' = 'F32',
): string {
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  const config = loadT5Config(dir);
  const weights = loadT5Weights(dir, config);
  change(weights.params.get(tensor) as Float32Array);
  saveT5Model(dir, config, weights, { dtype });
  return dir;
}
