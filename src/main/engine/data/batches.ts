// Fixed-shape T5 batches from masked examples: the tensors the trainer feeds the fused
// training step, as int64 (ONNX `tensor(int64)`) in BigInt64Array, row-major.
// Conventions follow HF T5ForConditionalGeneration: labels padded with -100 (ignored by
// the loss); decoder_input_ids = labels shifted right with start id 0 (the pad id), and
// -100 → 0 (HF `_shift_right`). Not the ONNX session: engine/onnx owns that.
import { maskedExample, type ExamplePlan, type MaskingTokenizer } from './examples';
import type { TokenSource } from './tokenSource';

/**
 * One batch. B = batchSize, Te = inputLength, Td = targetLength; every array row-major.
 *   inputIds        (B, Te)  kept tokens, sentinels, EOS, then padId
 *   attentionMask   (B, Te)  1 on real tokens, 0 on padding
 *   labels          (B, Td)  sentinels, noise tokens, EOS, then -100
 *   decoderInputIds (B, Td)  [decoderStartId, labels[:, :-1]] with -100 → padId
 */
export interface T5Batch {
  readonly batchSize: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly labels: BigInt64Array;
  readonly decoderInputIds: BigInt64Array;
  /** Which examples (plan indices) the rows are. */
  readonly exampleIndices: Uint32Array;
  /** Label positions that count in the loss (≠ -100). */
  readonly targetTokens: number;
}

export const LABEL_IGNORE_INDEX = -100;
/** T5's decoder start token is the pad id, 0. */
export const DECODER_START_ID = 0;

/** Pads/stacks already-masked rows into a batch. Throws if a row is longer than its length. */
export function collateBatch(
  rows: readonly { readonly inputIds: readonly number[]; readonly labels: readonly number[] }[],
  inputLength: number,
  targetLength: number,
  padId: number,
  exampleIndices: ArrayLike<number>,
): T5Batch {
  const B = rows.length;
  const inputIds = new BigInt64Array(B * inputLength).fill(BigInt(padId)); // (B, Te)
  const attentionMask = new BigInt64Array(B * inputLength); // (B, Te)
  const labels = new BigInt64Array(B * targetLength).fill(BigInt(LABEL_IGNORE_INDEX)); // (B, Td)
  const decoderInputIds = new BigInt64Array(B * targetLength).fill(BigInt(padId)); // (B, Td)
  let targetTokens = 0;
  rows.forEach((row, b) => {
    if (row.inputIds.length > inputLength || row.labels.length > targetLength) {
      throw new RangeError(
        `Example ${exampleIndices[b]} masks to ${row.inputIds.length}/${row.labels.length} tokens, over the fixed ${inputLength}/${targetLength}`,
      );
    }
    row.inputIds.forEach((id, t) => {
      inputIds[b * inputLength + t] = BigInt(id);
      attentionMask[b * inputLength + t] = 1n;
    });
    decoderInputIds[b * targetLength] = BigInt(DECODER_START_ID);
    row.labels.forEach((id, t) => {
      labels[b * targetLength + t] = BigInt(id);
      if (t + 1 < targetLength) decoderInputIds[b * targetLength + t + 1] = BigInt(id);
    });
    targetTokens += row.labels.length;
  });
  return {
    batchSize: B,
    inputLength,
    targetLength,
    inputIds,
    attentionMask,
    labels,
    decoderInputIds,
    exampleIndices: Uint32Array.from(exampleIndices),
    targetTokens,
  };
}

/** Masks examples `indices` for `epoch` and stacks them at the plan's fixed lengths. */
export function makeBatch(
  plan: ExamplePlan,
  source: TokenSource,
  tokenizer: MaskingTokenizer,
  indices: ArrayLike<number>,
  epoch: number,
): T5Batch {
  const rows = Array.from(indices, (i) => maskedExample(plan, source, tokenizer, i, epoch));
  return collateBatch(rows, plan.lengths.inputLength, plan.lengths.targetLength, tokenizer.padId, indices);
}

/**
 * The batches of one epoch in `order` (e.g. epochOrder(plan, epoch)); a last partial batch
 * is dropped when `isDropLast` (fixed shapes), else returned smaller.
 */
export function* epochBatches(
  plan: ExamplePlan,
  source: TokenSource,
  tokenizer: MaskingTokenizer,
  options: {
    readonly batchSize: number;
    readonly epoch: number;
    readonly order: Uint32Array;
    readonly isDropLast: boolean;
  },
): Generator<T5Batch> {
  const { batchSize, epoch, order } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  for (let start = 0; start < order.length; start += batchSize) {
    const slice = order.subarray(start, Math.min(order.length, start + batchSize));
    if (slice.length < batchSize && options.isDropLast) return;
    yield makeBatch(plan, source, tokenizer, slice, epoch);
  }
}
