// T5 relative-position buckets, computed in TypeScript and fed to the graphs as int64
// constants or inputs: bidirectional in the encoder, causal in the decoder, none in
// cross-attention. Reference: HF modeling_t5.py T5Attention._relative_position_bucket; the
// logarithmic part is evaluated in float32 step by step as PyTorch does, so boundary cases
// (e.g. distance 64) land in the same bucket.

const f32 = Math.fround;

/** Fewest buckets with an exact and a logarithmic bucket per direction in the encoder (its half of them). */
export const MIN_RELATIVE_BUCKETS = 4;

/**
 * Distances the decoder's exact buckets cover (num_buckets/2; the encoder's, per direction,
 * num_buckets/4). max_distance must be past it: at it the logarithmic bucket is log(1)/log(1),
 * 0/0, and below it log(max_distance/exact) is negative, so buckets shrink with distance and
 * can go negative. HF computes the same formula and fails or gives garbage there.
 */
export function exactBucketSpan(numBuckets: number): number {
  return Math.floor(numBuckets / 2);
}

/**
 * Bucket of one relative position (key − query). Small distances get their own bucket; larger
 * ones share logarithmically wider buckets up to `maxDistance`, beyond which all share the last.
 */
export function relativePositionBucket(
  relative: number,
  isBidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
): number {
  let buckets = numBuckets;
  let offset = 0;
  let n: number;
  if (isBidirectional) {
    buckets = Math.floor(buckets / 2);
    if (relative > 0) offset = buckets;
    n = Math.abs(relative);
  } else {
    n = -Math.min(relative, 0);
  }
  const maxExact = Math.floor(buckets / 2);
  if (n < maxExact) return offset + n;
  const ratio = f32(f32(n) / maxExact);
  const scaled = f32(f32(f32(Math.log(ratio)) / f32(Math.log(maxDistance / maxExact))) * (buckets - maxExact));
  return offset + Math.min(maxExact + Math.trunc(scaled), buckets - 1);
}

/**
 * Buckets for queries at positions queryStart..queryStart+queries−1 against keys
 * 0..keys−1, row-major (queries, keys), as int64 for a Gather into the bias table.
 */
export function bucketTable(
  queries: number,
  keys: number,
  isBidirectional: boolean,
  numBuckets: number,
  maxDistance: number,
  queryStart = 0,
): BigInt64Array {
  const span = exactBucketSpan(numBuckets);
  if (numBuckets < MIN_RELATIVE_BUCKETS || !(maxDistance > span))
    throw new RangeError(
      `Relative position buckets: max_distance ${maxDistance} must be more than ${span} (num_buckets ${numBuckets} / 2), ` +
        `and num_buckets at least ${MIN_RELATIVE_BUCKETS}`,
    );
  const out = new BigInt64Array(queries * keys);
  for (let q = 0; q < queries; q++) {
    for (let k = 0; k < keys; k++) {
      out[q * keys + k] = BigInt(
        relativePositionBucket(k - (q + queryStart), isBidirectional, numBuckets, maxDistance),
      );
    }
  }
  return out;
}
