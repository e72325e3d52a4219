// Validation during training: loss and token accuracy over the validation examples (their
// epoch-0 masks, so evaluations are comparable) through the evaluation graph fed with the
// trainer's current parameters, and the fraction of masked spans greedy decoding reproduces
// exactly on a fixed sample. The metrics are ours; the graph is t5/training.ts buildEvalGraph.

import type { T5Batch } from '../data/batches';
import { collateBatch, LABEL_IGNORE_INDEX } from '../data/batches';
import type { MaskingTokenizer } from '../data/examples';
import { maskedExample } from '../data/examples';
import type { ExampleSet } from '../data/trainingData';
import { VALIDATION_EPOCH } from '../data/trainingData';
import { serializeModel } from '../onnx/serialize';
import type { HostTensor, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import type { T5Config } from '../t5/config';
import type { T5Shapes } from '../t5/model';
import { T5Runtime } from '../t5/runtime';
import { buildEvalGraph, EVAL_OUTPUTS, t5BatchFeeds } from '../t5/training';
import { SPAN_GROUP } from './spanGroup';

export interface EvaluationMetrics {
  /** Mean cross-entropy per labelled token over the evaluated examples. */
  readonly loss: number;
  /** Labelled tokens whose argmax is the label, as a fraction. */
  readonly tokenAccuracy: number;
  /** Masked spans greedy decoding reproduced exactly, as a fraction (null: no sample). */
  readonly spanExactMatch: number | null;
  readonly examples: number;
}

export interface EvaluatorOptions {
  readonly config: T5Config;
  readonly validation: ExampleSet;
  readonly tokenizer: MaskingTokenizer;
  readonly batchSize: number;
  /** At most this many validation examples (the first ones). */
  readonly maxExamples: number;
  /** Examples decoded for span exact-match (the first ones; 0 turns it off). */
  readonly spanSample: number;
  readonly providers?: readonly ProviderName[];
  readonly intraOpThreads?: number;
}

export class Evaluator {
  private session: Promise<EngineSession> | null = null;
  private readonly batches: T5Batch[] = [];
  private readonly examples: number;

  constructor(private readonly options: EvaluatorOptions) {
    const { validation, tokenizer, batchSize } = options;
    this.examples = Math.min(validation.plan.exampleCount, options.maxExamples);
    const { inputLength, targetLength } = validation.plan.lengths;
    for (let start = 0; start < this.examples; start += batchSize) {
      const indices = Array.from({ length: Math.min(batchSize, this.examples - start) }, (_, i) => start + i);
      const rows = indices.map((i) =>
        maskedExample(validation.plan, validation.source, tokenizer, i, VALIDATION_EPOCH),
      );
      const batch = collateBatch(rows, inputLength, targetLength, tokenizer.padId, indices);
      this.batches.push(padRows(batch, batchSize, tokenizer.padId));
    }
  }

  get exampleCount(): number {
    return this.examples;
  }

  /** Metrics for `params` (float32 host tensors by HF name, e.g. TrainingProgram.getState()). */
  async evaluate(params: Readonly<Record<string, HostTensor>>, signal?: AbortSignal): Promise<EvaluationMetrics> {
    let logProbSum = 0;
    let correct = 0;
    let labelled = 0;
    const session = await this.open();
    for (const batch of this.batches) {
      signal?.throwIfAborted();
      const feeds: Record<string, HostTensor> = { ...params };
      for (const [name, data] of Object.entries(t5BatchFeeds(batch))) {
        const length = name === 'labels' ? batch.targetLength : batch.inputLength;
        feeds[name] = { dtype: 'int32', dims: [batch.batchSize, length], data };
      }
      const out = await session.runHost(feeds, [
        EVAL_OUTPUTS.tokenLogProbs,
        EVAL_OUTPUTS.correctTokens,
        EVAL_OUTPUTS.labelledTokens,
      ]);
      for (const x of out[EVAL_OUTPUTS.tokenLogProbs].data as Float32Array) logProbSum += x;
      correct += (out[EVAL_OUTPUTS.correctTokens].data as Float32Array)[0];
      labelled += (out[EVAL_OUTPUTS.labelledTokens].data as Float32Array)[0];
    }
    const spanExactMatch = await this.spanExactMatch(params, signal);
    return {
      loss: labelled > 0 ? -logProbSum / labelled : NaN,
      tokenAccuracy: labelled > 0 ? correct / labelled : NaN,
      spanExactMatch,
      examples: this.examples,
    };
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = null;
    if (session) await (await session).release();
  }

  private open(): Promise<EngineSession> {
    const { config, batchSize, validation } = this.options;
    const { inputLength, targetLength } = validation.plan.lengths;
    const shapes: T5Shapes = { batchSize, inputLength, targetLength };
    // Without ORT's memory pattern: kept from the first evaluation to the end of the run, the
    // session would hold the pattern's block, planned after its first run, beside that run's
    // arena: twice the memory (bench/MEASUREMENTS.md, 2026-12-06), for no measurable speed.
    this.session ??= EngineSession.create(serializeModel(buildEvalGraph(config, shapes)), {
      providers: this.options.providers,
      intraOpThreads: this.options.intraOpThreads,
      memoryPattern: false,
    });
    return this.session;
  }

  /** Greedy-decodes the sample's masked inputs and compares each span with its label span. */
  private async spanExactMatch(
    params: Readonly<Record<string, HostTensor>>,
    signal?: AbortSignal,
  ): Promise<number | null> {
    const { validation, tokenizer, config } = this.options;
    const count = Math.min(this.options.spanSample, validation.plan.exampleCount);
    if (count === 0) return null;
    const rows = Array.from({ length: count }, (_, i) =>
      maskedExample(validation.plan, validation.source, tokenizer, i, VALIDATION_EPOCH),
    );
    const weights = new Map(Object.entries(params).map(([name, t]) => [name, t.data as Float32Array]));
    const { providers, intraOpThreads } = this.options;
    const runtime = new T5Runtime(config, weights, { providers, intraOpThreads });
    try {
      let matched = 0;
      let total = 0;
      for (let start = 0; start < count; start += SPAN_GROUP) {
        const group = rows.slice(start, start + SPAN_GROUP);
        const { sequences } = await runtime.generate(
          group.map((r) => r.inputIds),
          { strategy: { kind: 'greedy' }, maxNewTokens: validation.plan.lengths.targetLength, signal },
        );
        group.forEach((row, i) => {
          const expected = spansById(row.labels, tokenizer);
          const predicted = spansById(sequences[i].slice(1), tokenizer);
          for (const [sentinel, ids] of expected) {
            total++;
            if (sameIds(predicted.get(sentinel), ids)) matched++;
          }
        });
      }
      return total > 0 ? matched / total : null;
    } finally {
      await runtime.release();
    }
  }
}

/** Sentinel id → the tokens after it up to the next sentinel or EOS (first occurrence wins). */
export function spansById(ids: readonly number[], tokenizer: MaskingTokenizer): Map<number, number[]> {
  const sentinels = new Set(Array.from({ length: tokenizer.sentinelCount }, (_, k) => tokenizer.sentinelId(k)));
  const spans = new Map<number, number[]>();
  let current: number[] | null = null;
  for (const id of ids) {
    if (id === tokenizer.eosId) break;
    if (sentinels.has(id)) {
      current = spans.has(id) ? null : [];
      if (current) spans.set(id, current);
    } else {
      current?.push(id);
    }
  }
  return spans;
}

function sameIds(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Pads a batch to `rows` rows with rows that count nowhere (no labels, pad inputs). */
function padRows(batch: T5Batch, rows: number, padId: number): T5Batch {
  if (batch.batchSize === rows) return batch;
  const grow = (x: BigInt64Array, per: number, fill: bigint): BigInt64Array => {
    const out = new BigInt64Array(rows * per).fill(fill);
    out.set(x);
    return out;
  };
  const { inputLength: te, targetLength: td } = batch;
  return {
    ...batch,
    batchSize: rows,
    inputIds: grow(batch.inputIds, te, BigInt(padId)),
    attentionMask: grow(batch.attentionMask, te, 0n),
    labels: grow(batch.labels, td, BigInt(LABEL_IGNORE_INDEX)),
    decoderInputIds: grow(batch.decoderInputIds, td, BigInt(padId)),
  };
}
