// The trainer's endless supply of fixed-shape batches: examples in each epoch's seeded order
// (data/examples.ts epochOrder), rows wrapping into the next epoch so any example count ≥ 1
// fills any batch size. Masks are 'dynamic' (fresh per epoch) or 'fixed' (each example's mask
// drawn once, epoch 0). Every draw is a pure function of (seed, epoch, example), so the
// position {epoch, offset} is the whole data state a checkpoint needs.

import type { T5Batch } from '../data/batches';
import { collateBatch } from '../data/batches';
import type { MaskingTokenizer } from '../data/examples';
import { epochOrder, maskedExample } from '../data/examples';
import type { ExampleSet } from '../data/trainingData';

export type MaskSchedule = 'dynamic' | 'fixed';
export const MASK_SCHEDULES: readonly MaskSchedule[] = ['dynamic', 'fixed'];

/** Where the next training example comes from: position `offset` of epoch `epoch`'s order. */
export interface DataPosition {
  readonly epoch: number;
  readonly offset: number;
}

/** K·M batches stacked on the leading axis, as the fused step takes them. */
export interface StackedBatches {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly labels: BigInt64Array;
  /** Real tokens in them: unpadded inputs plus labelled targets. */
  readonly tokens: number;
}

export class BatchStream {
  private epoch: number;
  private offset: number;
  private order: Uint32Array;

  constructor(
    private readonly set: ExampleSet,
    private readonly tokenizer: MaskingTokenizer,
    readonly batchSize: number,
    readonly mask: MaskSchedule,
    start: DataPosition = { epoch: 0, offset: 0 },
  ) {
    if (set.plan.exampleCount === 0) throw new RangeError('The training data has no examples; add text to the dataset');
    if (!(Number.isInteger(batchSize) && batchSize >= 1))
      throw new RangeError(`batchSize must be an integer ≥ 1, got ${batchSize}`);
    if (!MASK_SCHEDULES.includes(mask))
      throw new RangeError(`mask must be one of ${MASK_SCHEDULES.join(', ')}, got '${String(mask)}'`);
    const count = set.plan.exampleCount;
    if (!(Number.isInteger(start.epoch) && start.epoch >= 0 && Number.isInteger(start.offset)))
      throw new RangeError(`data position must be whole numbers ≥ 0, got epoch ${start.epoch}, offset ${start.offset}`);
    if (start.offset < 0 || start.offset >= count)
      throw new RangeError(`data position offset ${start.offset} is outside the ${count} examples of an epoch`);
    this.epoch = start.epoch;
    this.offset = start.offset;
    this.order = epochOrder(set.plan, this.epoch);
  }

  get position(): DataPosition {
    return { epoch: this.epoch, offset: this.offset };
  }

  /** Epochs completed, fractional (examples drawn / examples per epoch). */
  get epochProgress(): number {
    return this.epoch + this.offset / this.set.plan.exampleCount;
  }

  /** The next batch of `batchSize` rows. */
  next(): T5Batch {
    const indices: number[] = [];
    const rows = [];
    for (let r = 0; r < this.batchSize; r++) {
      const index = this.order[this.offset];
      indices.push(index);
      rows.push(maskedExample(this.set.plan, this.set.source, this.tokenizer, index, this.maskEpoch()));
      if (++this.offset === this.order.length) {
        this.epoch++;
        this.offset = 0;
        this.order = epochOrder(this.set.plan, this.epoch);
      }
    }
    const { inputLength, targetLength } = this.set.plan.lengths;
    return collateBatch(rows, inputLength, targetLength, this.tokenizer.padId, indices);
  }

  /** `count` batches stacked for one call of the fused step (count = K·M). */
  nextStacked(count: number): StackedBatches {
    return stackBatches(Array.from({ length: count }, () => this.next()));
  }

  private maskEpoch(): number {
    return this.mask === 'fixed' ? 0 : this.epoch;
  }
}

/** Concatenates batches of one shape along the leading axis. */
export function stackBatches(batches: readonly T5Batch[]): StackedBatches {
  const cat = (pick: (b: T5Batch) => BigInt64Array): BigInt64Array => {
    const out = new BigInt64Array(batches.reduce((n, b) => n + pick(b).length, 0));
    let at = 0;
    for (const b of batches) {
      out.set(pick(b), at);
      at += pick(b).length;
    }
    return out;
  };
  const attentionMask = cat((b) => b.attentionMask);
  let inputTokens = 0;
  for (const x of attentionMask) inputTokens += Number(x);
  return {
    inputIds: cat((b) => b.inputIds),
    attentionMask,
    labels: cat((b) => b.labels),
    tokens: inputTokens + batches.reduce((n, b) => n + b.targetTokens, 0),
  };
}
