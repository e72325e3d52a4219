// What a validation pass of a run costs (engine/train/evaluate.ts), timed on random weights of
// the model's config for runs.estimate (services/runsTiming.ts): one batch of the forward-only
// evaluation graph at the run's micro-batch and lengths (its session kept, as the evaluator
// keeps it for the whole run, so a second batch is the one timed), and the span exact-match's
// greedy decoding of one group of SPAN_GROUP prompts, twice: first on a new runtime, as each
// pass builds its decoder sessions anew, then on the same one. Random weights never emit EOS
// here (none is set), so every row decodes all maxNewTokens: an upper bound on a trained
// model's decoding, which may stop a row sooner.

import { generate } from '../generation/generate';
import { serializeModel } from '../onnx/serialize';
import type { HostTensor, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import { Rng } from '../rng';
import type { T5Config } from '../t5/config';
import { randomT5Params, t5ParamShapes } from '../t5/params';
import { T5Runtime } from '../t5/runtime';
import { buildEvalGraph, EVAL_OUTPUTS, t5BatchFeeds } from '../t5/training';
import { SPAN_GROUP } from '../train/spanGroup';
import { now, randomTokenIds } from './measure';

export interface ValidationBenchOptions {
  readonly config: T5Config;
  /** The run's micro-batch: the evaluator's batches have its rows. */
  readonly batchSize: number;
  readonly inputLength: number;
  /** Also the decoding's maxNewTokens, as the evaluator's. */
  readonly targetLength: number;
  /** Prompts decoded in the timed group (default SPAN_GROUP; 0: no decoding timed). */
  readonly decodeRows?: number;
  readonly provider?: ProviderName;
  readonly threads?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
}

export interface ValidationBenchResult {
  /** One forward-only evaluation batch on a session already run once. */
  readonly evalBatchMs: number;
  /** Building the decoder's sessions and decoding one group (0 without decoding). */
  readonly firstGroupMs: number;
  /** Decoding one more group on the same runtime (0 without decoding). */
  readonly groupMs: number;
  /** Rows in the timed group. */
  readonly decodeRows: number;
}

const int32Feed = (rows: number, length: number, values: Int32Array): HostTensor => ({
  dtype: 'int32',
  dims: [rows, length],
  data: values,
});

/** Times two evaluation batches on one session and returns the second's time. */
async function timeEvalBatch(
  options: ValidationBenchOptions,
  params: Readonly<Record<string, HostTensor>>,
  rng: Rng,
): Promise<number> {
  const { config, batchSize: b, inputLength: te, targetLength: td } = options;
  const ids = (n: number) => BigInt64Array.from(randomTokenIds(config.vocabSize, rng, n), BigInt);
  const batch = t5BatchFeeds({
    inputIds: ids(b * te),
    attentionMask: new BigInt64Array(b * te).fill(1n),
    labels: ids(b * td),
  });
  const feeds: Record<string, HostTensor> = { ...params };
  for (const [name, data] of Object.entries(batch))
    feeds[name] = int32Feed(b, name === 'labels' ? td : te, data as Int32Array);
  const session = await EngineSession.create(
    serializeModel(buildEvalGraph(config, { batchSize: b, inputLength: te, targetLength: td })),
    {
      providers: options.provider ? [options.provider] : undefined,
      intraOpThreads: options.threads,
      memoryPattern: false,
    },
  );
  try {
    const outputs = [EVAL_OUTPUTS.tokenLogProbs, EVAL_OUTPUTS.correctTokens, EVAL_OUTPUTS.labelledTokens];
    await session.runHost(feeds, outputs);
    options.signal?.throwIfAborted();
    const start = now();
    await session.runHost(feeds, outputs);
    return now() - start;
  } finally {
    await session.release();
  }
}

/** Times decoding a group on a new runtime, then another group on the same one. */
async function timeDecode(
  options: ValidationBenchOptions,
  params: Readonly<Record<string, HostTensor>>,
  rng: Rng,
  rows: number,
): Promise<{ firstGroupMs: number; groupMs: number }> {
  const { config, inputLength, targetLength } = options;
  const weights = new Map(Object.entries(params).map(([name, t]) => [name, t.data as Float32Array]));
  const providers = options.provider ? [options.provider] : undefined;
  const runtime = new T5Runtime(config, weights, { providers, intraOpThreads: options.threads });
  const prompts = Array.from({ length: rows }, () => randomTokenIds(config.vocabSize, rng, inputLength));
  const decodeGroup = async () => {
    options.signal?.throwIfAborted();
    const start = now();
    await generate(runtime, prompts, {
      strategy: { kind: 'greedy' },
      maxNewTokens: targetLength,
      decoderStartTokenId: config.decoderStartTokenId,
      eosTokenId: -1, // no id is -1: every row decodes maxNewTokens (the upper bound above)
      padTokenId: config.padTokenId,
      signal: options.signal,
    });
    return now() - start;
  };
  try {
    const firstGroupMs = await decodeGroup();
    return { firstGroupMs, groupMs: await decodeGroup() };
  } finally {
    await runtime.release();
  }
}

export async function benchValidation(options: ValidationBenchOptions): Promise<ValidationBenchResult> {
  const rng = Rng.fromWords(options.seed ?? 1);
  const shapes = t5ParamShapes(options.config);
  const params = Object.fromEntries(
    [...randomT5Params(options.config, options.seed ?? 0)].map(([name, data]): [string, HostTensor] => [
      name,
      { dtype: 'float32', dims: shapes.get(name) ?? [data.length], data },
    ]),
  );
  const evalBatchMs = await timeEvalBatch(options, params, rng);
  const decodeRows = options.decodeRows ?? SPAN_GROUP;
  if (decodeRows === 0) return { evalBatchMs, firstGroupMs: 0, groupMs: 0, decodeRows };
  return { evalBatchMs, ...(await timeDecode(options, params, rng, decodeRows)), decodeRows };
}
