// Whether tensors read from a file hold only finite numbers. A checkpoint whose weights or
// optimizer slots hold a NaN or an infinity (bytes damaged after it was written, keeping its
// length, so the quick length checks pass) would make the first step after a resume NaN, which
// reads as the run's settings diverging; train/checkpoint.ts readCheckpoint refuses it by file
// and tensor instead. A base model's weights are checked the same way as t5/weights.ts decodes
// them (nonFiniteWeightsProblem): NaN weights fill with <pad> and fail training at step 1.
// One pass over values already in memory; finite garbage is not caught.

/** How many values of `data` are NaN or infinite (one pass). */
export function countNonFinite(data: Float32Array): number {
  let count = 0;
  // x - x is 0 for every finite x and NaN for NaN and ±Infinity.
  for (let i = 0; i < data.length; i++) if (data[i] - data[i] !== 0) count++;
  return count;
}

/** Tensors holding values that are not finite: how many values, and the tensors, in the order met. */
interface NonFiniteValues {
  readonly count: number;
  readonly tensors: readonly string[];
}

function nonFiniteValues(tensors: Iterable<readonly [string, Float32Array]>): NonFiniteValues | null {
  let count = 0;
  const names: string[] = [];
  for (const [name, data] of tensors) {
    const here = countNonFinite(data);
    if (here === 0) continue;
    count += here;
    names.push(name);
  }
  return count === 0 ? null : { count, tensors: names };
}

/**
 * What is wrong with `file` (a name in a checkpoint folder) when `tensors`, read from it, hold
 * values that are not finite, in words that follow "The checkpoint DIR could not be loaded: ";
 * null when every value is finite.
 */
export function nonFiniteProblem(file: string, tensors: Iterable<readonly [string, Float32Array]>): string | null {
  const found = nonFiniteValues(tensors);
  if (found === null) return null;
  const { count } = found;
  const values = count === 1 ? '1 value that is' : `${count.toLocaleString('en')} values that are`;
  const where = count === 1 ? 'in' : 'the first in';
  const more = found.tensors.length > 1 ? ` (and ${found.tensors.length - 1} more tensors)` : '';
  return (
    `its ${file} holds ${values} not finite (NaN or infinite), ${where} '${found.tensors[0]}'${more}; ` +
    `training cannot go on from ${count === 1 ? 'it' : 'them'}`
  );
}

/**
 * Why the weights file `path` cannot be used when its tensor `tensor` (stored as `dtype`) holds
 * `count` values that are not finite, and what to do: float16 files overflow to infinity past
 * 65,504, so those are to be saved again wider; other files are damaged or from a diverged run.
 */
export function nonFiniteWeightsProblem(path: string, tensor: string, dtype: string, count: number): string {
  const values = count === 1 ? '1 value that is' : `${count.toLocaleString('en')} values that are`;
  const half = dtype === 'F16';
  return (
    `${path} holds ${values} not finite (NaN or infinite) in '${tensor}'` +
    (half ? ' (float16, whose values past 65,504 become infinite)' : '') +
    '; a model with them fills with nonsense and cannot be trained: ' +
    (half
      ? 'save it again from its source in float32 or bfloat16, or choose another model'
      : 'the file is damaged or was saved after training diverged; download or convert the model again, or choose another one')
  );
}
