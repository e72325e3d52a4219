// Scoring one batch with the training graph (dropout off): loss, logits and, on request, the
// gradient of the loss w.r.t. every parameter through the autodiff — what `spanfill score`
// prints and what the golden tests compare with the PyTorch references. Not a trainer
// (engine/optim and engine/train own updates).

import { gradients } from '../autodiff/gradients';
import { serializeModel } from '../onnx/serialize';
import type { Tensor } from '../onnx/graph';
import type { HostTensor, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import type { T5Config } from './config';
import { buildTrainingGraph } from './model';
import type { BuildDevice } from '../optim/spec';
import { graphDeviceFor } from '../optim/spec';

/** Rows of token ids as in the fixture format (test/fixtures/README.md). */
export interface ScoreBatch {
  readonly inputIds: readonly (readonly number[])[]; // (B, Te)
  readonly attentionMask: readonly (readonly number[])[]; // (B, Te)
  readonly labels: readonly (readonly number[])[]; // (B, Td), −100 ignored
}

export interface ScoreResult {
  readonly loss: number;
  readonly logits: Float32Array; // (B, Td, V) row-major
  /** d loss / d parameter for every HF parameter name (empty unless asked for). */
  readonly gradients: ReadonlyMap<string, Float32Array>;
  /** L2 norm of each parameter's gradient (empty unless gradients were asked for). */
  readonly gradNorms: Readonly<Record<string, number>>;
  /** The execution provider whose session ran the graph. */
  readonly provider: ProviderName;
}

export class ScoreInputError extends Error {
  override name = 'ScoreInputError';
}

function rectangular(name: string, rows: readonly (readonly number[])[]): [number, number] {
  if (rows.length === 0) throw new ScoreInputError(`${name} has no rows`);
  const width = rows[0].length;
  const bad = rows.findIndex((r) => r.length !== width);
  if (bad >= 0) throw new ScoreInputError(`${name} row ${bad} has ${rows[bad].length} entries; row 0 has ${width}`);
  return [rows.length, width];
}

/** Rows of ids as the graphs' int32 (they take int32 so that every node has a GPU kernel). */
const int32 = (rows: readonly (readonly number[])[]): Int32Array => Int32Array.from(rows.flat());

/** Refuses an id outside [0, vocab) (or -100 where `allowIgnore`), naming `name`: ScoreInputError. */
export function checkIds(
  name: string,
  rows: readonly (readonly number[])[],
  vocab: number,
  allowIgnore: boolean,
): void {
  for (const row of rows) {
    for (const id of row) {
      if (Number.isInteger(id) && ((id >= 0 && id < vocab) || (allowIgnore && id === -100))) continue;
      throw new ScoreInputError(
        `${name} holds ${id}; token ids must be integers in [0, ${vocab})${allowIgnore ? ' or -100' : ''}`,
      );
    }
  }
}

export function l2Norm(data: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += data[i] * data[i];
  return Math.sqrt(sum);
}

/**
 * Loss and logits (and gradients when `withGradients`) of `batch` under `params`, through the
 * graph built for `graphDevice` (default: the first provider's device, as training builds it).
 */
export async function scoreBatch(
  config: T5Config,
  params: ReadonlyMap<string, Float32Array>,
  batch: ScoreBatch,
  options: { withGradients?: boolean; providers?: readonly ProviderName[]; graphDevice?: BuildDevice } = {},
): Promise<ScoreResult> {
  const [b, te] = rectangular('input_ids', batch.inputIds);
  const [bm, tm] = rectangular('attention_mask', batch.attentionMask);
  const [bl, td] = rectangular('labels', batch.labels);
  if (bm !== b || tm !== te || bl !== b) {
    throw new ScoreInputError(
      `input_ids [${b}, ${te}], attention_mask [${bm}, ${tm}] and labels [${bl}, ${td}] must share the batch size (and the first two the length)`,
    );
  }
  checkIds('input_ids', batch.inputIds, config.vocabSize, false);
  checkIds('labels', batch.labels, config.vocabSize, true);
  const shapes = { batchSize: b, inputLength: te, targetLength: td };
  const device = graphDeviceFor(options.providers, options.graphDevice);
  const built = buildTrainingGraph(config, shapes, { dropoutRate: 0, device });
  built.graph.output(built.logits, 'logits');
  const names = [...built.params.keys()];
  if (options.withGradients) {
    const grads = gradients(
      built.loss,
      names.map((n) => built.params.get(n) as Tensor),
      { zerosForUnused: true },
    );
    grads.forEach((g, i) => built.graph.output(g as Tensor, `grad.${names[i]}`));
  }
  const session = await EngineSession.create(serializeModel(built.graph), { providers: options.providers });
  const feeds: Record<string, HostTensor> = {
    input_ids: { dtype: 'int32', dims: [b, te], data: int32(batch.inputIds) },
    attention_mask: { dtype: 'int32', dims: [b, te], data: int32(batch.attentionMask) },
    labels: { dtype: 'int32', dims: [b, td], data: int32(batch.labels) },
  };
  for (const [name, t] of built.params)
    feeds[name] = { dtype: 'float32', dims: t.shape as number[], data: params.get(name) as Float32Array };
  try {
    const out = await session.runHost(feeds);
    const grads = new Map<string, Float32Array>();
    const gradNorms: Record<string, number> = {};
    if (options.withGradients) {
      for (const name of names) {
        const g = out[`grad.${name}`].data as Float32Array;
        grads.set(name, g);
        gradNorms[name] = l2Norm(g);
      }
    }
    return {
      loss: (out.loss.data as Float32Array)[0],
      logits: out.logits.data as Float32Array,
      gradients: grads,
      gradNorms,
      provider: session.placement.provider,
    };
  } finally {
    await session.release();
  }
}
