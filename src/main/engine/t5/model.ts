// The T5 encoder-decoder as graph builders with teacher forcing: embeddings, encoder and
// decoder stacks, LM head and the masked mean cross-entropy; plus the training and evaluation
// graphs (parameters as graph inputs so the autodiff and optimizers can take them over).
// Reference: HF modeling_t5.py T5Stack.forward, T5ForConditionalGeneration.forward
// (_shift_right, the d_model^-0.5 scaling before a tied lm_head), dims in dims.ts.
// Ids, masks, labels and bucket tables are int32 (WebGPU has no int64 Equal/Where/Cast).

import * as op from '../onnx/ops';
import { Graph } from '../onnx/graph';
import type { Tensor } from '../onnx/graph';
import { bucketTable } from './buckets';
import type { BuildDevice } from '../optim/spec';
import type { T5Config } from './config';
import type { BuildContext, FloatType, Residual } from './layers';
import { positionBias } from './positionBias';
import {
  addRmsNorm,
  attention,
  buildContext,
  dropout,
  droppedBranch,
  feedForward,
  linear,
  MASK_VALUE,
  maskBias,
  normOf,
} from './layers';
import { t5ParamShapes } from './params';
import { IGNORE_INDEX, maskedCrossEntropy } from './loss';

export { IGNORE_INDEX };

/** Static shapes of one compiled graph: span corruption gives fixed lengths per run. */
export interface T5Shapes {
  readonly batchSize: number; // B
  readonly inputLength: number; // Te
  readonly targetLength: number; // Td
}

/** int32 batch inputs: input_ids (B, Te), attention_mask (B, Te), labels (B, Td) with −100 ignored. */
export interface T5BatchTensors {
  readonly inputIds: Tensor;
  readonly attentionMask: Tensor;
  readonly labels: Tensor;
}

export const BATCH_INPUT_NAMES = { inputIds: 'input_ids', attentionMask: 'attention_mask', labels: 'labels' } as const;

export function declareBatch(g: Graph, shapes: T5Shapes): T5BatchTensors {
  const { batchSize: b, inputLength: te, targetLength: td } = shapes;
  return {
    inputIds: g.input(BATCH_INPUT_NAMES.inputIds, 'int32', [b, te]), // (B, Te)
    attentionMask: g.input(BATCH_INPUT_NAMES.attentionMask, 'int32', [b, te]), // (B, Te)
    labels: g.input(BATCH_INPUT_NAMES.labels, 'int32', [b, td]), // (B, Td)
  };
}

/** Every parameter as a graph input with its HF name (training: fed, updated, differentiated). */
export function declareParams(g: Graph, config: T5Config, dtype: FloatType = 'float32'): Map<string, Tensor> {
  const params = new Map<string, Tensor>();
  for (const [name, shape] of t5ParamShapes(config)) params.set(name, g.input(name, dtype, shape));
  return params;
}

/**
 * Parameters as initializers, created on first use so each inference graph carries only the
 * weights it reads (the encoder graph holds no decoder weights but the cross-attention K/V).
 */
export function lazyInitializers(
  g: Graph,
  config: T5Config,
  weights: ReadonlyMap<string, Float32Array>,
): (name: string) => Tensor {
  const shapes = t5ParamShapes(config);
  const made = new Map<string, Tensor>();
  return (name) => {
    let t = made.get(name);
    if (t) return t;
    const data = weights.get(name);
    const shape = shapes.get(name);
    if (!data || !shape) throw new Error(`T5 weights have no '${name}'`);
    t = g.initializer(name, { dtype: 'float32', shape, data });
    made.set(name, t);
    return t;
  };
}

/** An int32 constant (ids, bucket tables); int64 tables are converted (values are small). */
export function int32Constant(g: Graph, shape: number[], data: Int32Array | BigInt64Array): Tensor {
  const values = data instanceof Int32Array ? data : Int32Array.from(data, (x) => Number(x));
  return g.constant({ dtype: 'int32', shape, data: values });
}

/** Bidirectional bucket ids (Te, Te) as a constant, for graphs with a static Te. */
function encoderBuckets(ctx: BuildContext, te: number): Tensor {
  const { relativeAttentionNumBuckets: buckets, relativeAttentionMaxDistance: distance } = ctx.config;
  return int32Constant(ctx.g, [te, te], bucketTable(te, te, true, buckets, distance));
}

/**
 * Encoder: ids (B, Te) and mask bias (B, 1, 1, Te) → hidden states (B, Te, D), final norm
 * applied. `buckets` (Te, Te) is an input when Te is symbolic, else a constant is made.
 */
export function encoderStack(ctx: BuildContext, inputIds: Tensor, maskBiasTensor: Tensor, buckets?: Tensor): Tensor {
  const { config } = ctx;
  return ctx.g.scope('encoder', () => {
    let stream: Residual = { base: dropout(ctx, op.gather(ctx.param('shared.weight'), inputIds, 0)), branch: null }; // (B, Te, D)
    const bucketIds = buckets ?? encoderBuckets(ctx, inputIds.shape[1] as number); // (Te, Te)
    const tableName = 'encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight';
    // Computed once (layer 0's table) and shared by every block, mask folded in, as HF.
    const bias = op.add(positionBias(ctx, tableName, bucketIds), maskBiasTensor); // (B, H, Te, Te)
    for (let i = 0; i < config.numLayers; i++) {
      const p = `encoder.block.${i}.layer`;
      // Each residual add is left to the next norm (normOf): x + attention, then y + feed-forward.
      stream = ctx.g.scope(`block.${i}`, () => {
        const { sum: x, normed: h } = normOf(ctx, stream, `${p}.0.layer_norm.weight`); // (B, Te, D) each
        const attended = droppedBranch(ctx, (a) => attention(ctx, `${p}.0.SelfAttention`, h, h, bias, a)); // (B, Te, D)
        const { sum: y, normed: g } = addRmsNorm(ctx, x, attended, `${p}.1.layer_norm.weight`); // (B, Te, D) each
        return { base: y, branch: droppedBranch(ctx, (a) => feedForward(ctx, `${p}.1`, g, a)) };
      });
    }
    return dropout(ctx, normOf(ctx, stream, 'encoder.final_layer_norm.weight').normed); // (B, Te, D)
  });
}

/** Causal self-attention bias for a full decoder pass: (1, H, Td, Td), future keys masked. */
function causalBias(ctx: BuildContext, td: number): Tensor {
  const { config } = ctx;
  const buckets = bucketTable(td, td, false, config.relativeAttentionNumBuckets, config.relativeAttentionMaxDistance);
  const future = new Float64Array(td * td);
  for (let q = 0; q < td; q++) for (let k = q + 1; k < td; k++) future[q * td + k] = MASK_VALUE;
  const data = ctx.dtype === 'float64' ? future : Float32Array.from(future);
  const mask = ctx.g.constant({ dtype: ctx.dtype, shape: [1, 1, td, td], data }); // (1, 1, Td, Td)
  const tableName = 'decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight';
  return op.add(positionBias(ctx, tableName, int32Constant(ctx.g, [td, td], buckets)), mask); // (1, H, Td, Td)
}

/** decoder_input_ids = labels shifted right: start id first, −100 replaced by the pad id. */
export function shiftRight(ctx: BuildContext, labels: Tensor): Tensor {
  const [b, td] = labels.shape as number[];
  const start = int32Constant(ctx.g, [b, 1], new Int32Array(b).fill(ctx.config.decoderStartTokenId)); // (B, 1)
  // NOTE: a Gather of columns 0…Td−2, not a Slice: WebGPU has no int32 Slice kernel.
  const columns = int32Constant(
    ctx.g,
    [td - 1],
    Int32Array.from({ length: td - 1 }, (_, i) => i),
  );
  const shifted = op.concat([start, op.gather(labels, columns, 1)], 1); // (B, Td)
  return op.where(op.equal(shifted, IGNORE_INDEX), ctx.config.padTokenId, shifted); // (B, Td)
}

/** Decoder with teacher forcing: ids (B, Td), encoder states (B, Te, D) → (B, Td, D). */
export function decoderStack(
  ctx: BuildContext,
  decoderInputIds: Tensor,
  encoded: Tensor,
  encoderMaskBias: Tensor,
): Tensor {
  const { config } = ctx;
  const td = decoderInputIds.shape[1] as number;
  return ctx.g.scope('decoder', () => {
    let stream: Residual = {
      base: dropout(ctx, op.gather(ctx.param('shared.weight'), decoderInputIds, 0)),
      branch: null,
    }; // (B, Td, D)
    const selfBias = causalBias(ctx, td); // (1, H, Td, Td)
    for (let i = 0; i < config.numDecoderLayers; i++) {
      const p = `decoder.block.${i}.layer`;
      stream = ctx.g.scope(`block.${i}`, () => {
        const { sum: x, normed: h } = normOf(ctx, stream, `${p}.0.layer_norm.weight`); // (B, Td, D) each
        const attended = droppedBranch(ctx, (a) => attention(ctx, `${p}.0.SelfAttention`, h, h, selfBias, a)); // (B, Td, D)
        const { sum: y, normed: c } = addRmsNorm(ctx, x, attended, `${p}.1.layer_norm.weight`); // (B, Td, D) each
        const crossed = droppedBranch(ctx, (a) =>
          attention(ctx, `${p}.1.EncDecAttention`, c, encoded, encoderMaskBias, a),
        ); // (B, Td, D)
        const { sum: z, normed: g } = addRmsNorm(ctx, y, crossed, `${p}.2.layer_norm.weight`); // (B, Td, D) each
        return { base: z, branch: droppedBranch(ctx, (a) => feedForward(ctx, `${p}.2`, g, a)) };
      });
    }
    return dropout(ctx, normOf(ctx, stream, 'decoder.final_layer_norm.weight').normed); // (B, Td, D)
  });
}

/**
 * LM head: tied v1.0 models scale by D^-½ and reuse `shared.weight` (the scale is the linear
 * layer's α, which a GPU graph multiplies into the smallest side of the product); v1.1 has
 * `lm_head.weight`.
 */
export function lmHead(ctx: BuildContext, hidden: Tensor): Tensor {
  if (ctx.config.tieWordEmbeddings) return linear(ctx, hidden, 'shared.weight', ctx.config.dModel ** -0.5); // (…, V)
  return linear(ctx, hidden, 'lm_head.weight'); // (…, V)
}

export interface T5ForwardResult {
  readonly logits: Tensor; // (B, Td, V)
  /** Mean cross-entropy over labels ≠ −100 (scalar). */
  readonly loss: Tensor;
  /** (B·Td) log p(label), 0 where the label is −100. */
  readonly tokenLogProbs: Tensor;
  /** (B·Td) bool: labelled, and the label has the largest logit. */
  readonly isCorrect: Tensor;
  /** (B·Td) bool: the label is not −100. */
  readonly isLabelled: Tensor;
}

/** Teacher-forced forward pass and loss, as T5ForConditionalGeneration(input_ids, attention_mask, labels). */
export function t5Forward(ctx: BuildContext, batch: T5BatchTensors): T5ForwardResult {
  const encoderMask = maskBias(ctx, batch.attentionMask); // (B, 1, 1, Te)
  const encoded = encoderStack(ctx, batch.inputIds, encoderMask); // (B, Te, D)
  const decoded = decoderStack(ctx, shiftRight(ctx, batch.labels), encoded, encoderMask); // (B, Td, D)
  const logits = lmHead(ctx, decoded); // (B, Td, V)
  const [b, td, v] = logits.shape as number[];
  const flatLabels = op.reshape(batch.labels, [b * td]); // (B·Td)
  const ce = maskedCrossEntropy(op.reshape(logits, [b * td, v]), flatLabels);
  return { logits, ...ce };
}

export interface T5GraphOptions {
  readonly dtype?: FloatType;
  /** Defaults to the config's dropout_rate for training and 0 for evaluation. */
  readonly dropoutRate?: number;
  readonly seed?: number;
  /** What the graph is built for (default 'cpu'; BuildContext.device). */
  readonly device?: BuildDevice;
}

export interface T5TrainingGraph {
  readonly graph: Graph;
  readonly params: Map<string, Tensor>;
  readonly batch: T5BatchTensors;
  readonly loss: Tensor;
  readonly logits: Tensor;
}

/**
 * The training forward graph: parameters and batch as inputs, the loss as output 'loss'.
 * Autodiff and the optimizer extend this graph (or call `t5Forward` inside their own).
 * NOTE: run forward-only, its Dropout nodes are no-ops: onnxruntime's inference build removes
 * a Dropout whose mask output is unused (EliminateDropout). The backward pass uses the masks, so
 * the fused training step does drop (a new mask per run; tested in training.test.ts).
 */
export function buildTrainingGraph(config: T5Config, shapes: T5Shapes, options: T5GraphOptions = {}): T5TrainingGraph {
  const graph = new Graph('t5_train');
  const dtype = options.dtype ?? 'float32';
  const params = declareParams(graph, config, dtype);
  const batch = declareBatch(graph, shapes);
  const ctx = buildContext(graph, config, params, {
    dtype,
    dropoutRate: options.dropoutRate ?? config.dropoutRate,
    seed: options.seed,
    device: options.device,
  });
  const { loss, logits } = t5Forward(ctx, batch);
  graph.output(loss, 'loss');
  return { graph, params, batch, loss, logits };
}
