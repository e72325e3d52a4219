// What the trainer needs from T5: the fused-training spec pieces (a ModelBuilder, parameter
// and batch specs for optim.compile) and the evaluation graph (loss, token accuracy,
// per-token log-probabilities, no dropout). Reference: HF T5ForConditionalGeneration.forward
// (labels → loss); the eval metrics are ours.

import * as op from '../onnx/ops';
import { Graph } from '../onnx/graph';
import type { T5Batch } from '../data/batches';
import type { BatchFieldSpec, HostFields, ModelBuilder, ParamSpec, StepPosition } from '../optim/spec';
import type { Tensor } from '../onnx/graph';
import type { T5Config } from './config';
import type { FloatType } from './layers';
import { buildContext } from './layers';
import type { T5Shapes } from './model';
import { BATCH_INPUT_NAMES, declareBatch, declareParams, t5Forward } from './model';
import { t5ParamShapes } from './params';
import type { MaskSource } from '../onnx/random';
import { counterKey, RandomStream } from '../onnx/random';
import type { MaskPlan } from '../onnx/maskPlan';
import { PlannedMasks, planRows, RecordingMasks } from '../onnx/maskPlan';
import { FedMasks, fedMaskName, fitsMasksMemory, HostMaskDraws } from '../onnx/hostMasks';

export interface T5TrainingSpec {
  readonly build: ModelBuilder;
  readonly params: ParamSpec[];
  readonly batch: BatchFieldSpec[];
  /** With dropout on: the step's masks, for a program that draws them on the host. */
  readonly hostFields?: HostFields;
}

/**
 * The model half of an optim `CompileSpec`: `compile({ ...t5TrainingSpec(config, shapes),
 * optimizer, schedule, k })`. Batch fields are int32 input_ids, attention_mask (B, Te) and
 * labels (B, Td) with −100 ignored; decoder inputs are derived in-graph (labels shifted right).
 */
export function t5TrainingSpec(
  config: T5Config,
  shapes: T5Shapes,
  options: { dtype?: FloatType; dropoutRate?: number; seed?: number } = {},
): T5TrainingSpec {
  const dtype = options.dtype ?? 'float32';
  const params = [...t5ParamShapes(config)].map(([name, shape]) => ({ name, shape, dtype }));
  const { batchSize: b, inputLength: te, targetLength: td } = shapes;
  const batch: BatchFieldSpec[] = [
    { name: BATCH_INPUT_NAMES.inputIds, dtype: 'int32', shape: [b, te] },
    { name: BATCH_INPUT_NAMES.attentionMask, dtype: 'int32', shape: [b, te] },
    { name: BATCH_INPUT_NAMES.labels, dtype: 'int32', shape: [b, td] },
  ];
  const dropoutRate = options.dropoutRate ?? config.dropoutRate;
  const seed = options.seed ?? 0;
  let plan: MaskPlan | undefined;
  const dropoutPlan = (): MaskPlan => (plan ??= t5DropoutPlan(config, shapes, dtype, dropoutRate));
  const build: ModelBuilder = (g, p, fields, at) => {
    const masks = dropoutRate > 0 ? maskSource(g, fields, at, seed, dropoutPlan) : undefined;
    const ctx = buildContext(g, config, new Map(Object.entries(p)), {
      dtype,
      dropoutRate,
      dropoutStream: masks,
      device: at.device,
    });
    const batchTensors = {
      inputIds: fields[BATCH_INPUT_NAMES.inputIds],
      attentionMask: fields[BATCH_INPUT_NAMES.attentionMask],
      labels: fields[BATCH_INPUT_NAMES.labels],
    };
    const { loss, isLabelled } = t5Forward(ctx, batchTensors);
    if (masks instanceof FedMasks && masks.served !== dropoutPlan().sizes.length)
      throw new Error(
        `t5 training: the forward used ${masks.served} of ${dropoutPlan().sizes.length} fed dropout masks`,
      );
    // The loss is the mean over labelled tokens: accumulation weighs each micro-batch by their count.
    return { loss, itemCount: () => op.reduceSum(op.cast(isLabelled, dtype), null) }; // scalar
  };
  return { build, params, batch, ...(dropoutRate > 0 ? { hostFields: hostMaskFields(dropoutPlan, seed) } : {}) };
}

/**
 * Where a training step's dropout masks come from: fed by the host when its batch has them
 * (hostMaskFields), else drawn in the graph as a pure function of (seed, step, micro-batch),
 * so resumed runs and K-step calls draw the same masks. NOTE: on a GPU in a few grouped chains
 * (maskPlan.ts: ~2,500 fewer dispatches per t5-small step); on the CPU a chain per site, whose
 * cache-sized tensors ran faster than the groups' (t5-small B=8 512/114, 2 threads: 8–14%
 * slower steps and +150 MB peak RSS grouped).
 */
function maskSource(
  g: Graph,
  fields: Readonly<Record<string, Tensor>>,
  at: StepPosition,
  seed: number,
  dropoutPlan: () => MaskPlan,
): MaskSource {
  if (fields[fedMaskName(0)]) {
    const { sizes, threshold } = dropoutPlan();
    return new FedMasks(
      sizes.map((_, i) => fields[fedMaskName(i)]),
      threshold,
    );
  }
  const key = counterKey(g, seed, [at.step, at.micro]);
  if (at.device !== 'gpu') return new RandomStream(key);
  const plan = dropoutPlan();
  // One row chunk for the whole plan: all row hashes in one chain, with the columns'.
  return new PlannedMasks(new RandomStream(key, Math.max(1, planRows(plan))), plan);
}

/**
 * The dropout masks as host fields (optim/spec.ts): one bool field per request of the plan,
 * drawn for each step on the host (onnx/hostMasks.ts), the same masks bit for bit.
 */
function hostMaskFields(dropoutPlan: () => MaskPlan, seed: number): HostFields {
  return {
    get fields(): BatchFieldSpec[] {
      return dropoutPlan().sizes.map((size, i) => ({ name: fedMaskName(i), dtype: 'bool', shape: [size] }));
    },
    source(micro: number) {
      const plan = dropoutPlan();
      if (!fitsMasksMemory(plan.sizes, micro)) return null; // over 4 GiB of masks: the graph draws them
      const draws = new HostMaskDraws(plan, micro, seed);
      return (step: number) =>
        Object.fromEntries(
          draws
            .draw(step)
            .map((data, i) => [fedMaskName(i), { dtype: 'bool' as const, dims: [micro, plan.sizes[i]], data }]),
        );
    },
  };
}

/** The dropout requests of one forward pass, in order: the forward built once on a scratch graph. */
export function t5DropoutPlan(config: T5Config, shapes: T5Shapes, dtype: FloatType, dropoutRate: number): MaskPlan {
  const g = new Graph('t5_dropout_plan');
  const masks = new RecordingMasks(g);
  const ctx = buildContext(g, config, declareParams(g, config, dtype), { dtype, dropoutRate, dropoutStream: masks });
  t5Forward(ctx, declareBatch(g, shapes));
  return masks.plan();
}

/**
 * The batch fields of `t5TrainingSpec` (and of the evaluation graph) from a data-module batch,
 * converted to int32 here at the boundary (the graphs take int32 so that every node has a GPU
 * kernel). decoder_input_ids is not fed: the graph shifts the labels itself.
 */
export function t5BatchFeeds(
  batch: Pick<T5Batch, 'inputIds' | 'attentionMask' | 'labels'>,
): Record<string, Int32Array> {
  return {
    [BATCH_INPUT_NAMES.inputIds]: toInt32(batch.inputIds),
    [BATCH_INPUT_NAMES.attentionMask]: toInt32(batch.attentionMask),
    [BATCH_INPUT_NAMES.labels]: toInt32(batch.labels),
  };
}

/** Token ids, masks and labels (all within ±2³¹) as int32. */
export function toInt32(values: BigInt64Array | readonly number[]): Int32Array {
  return Int32Array.from(values as ArrayLike<bigint | number>, (x) => Number(x));
}

/** Output names of the evaluation graph. */
export const EVAL_OUTPUTS = {
  loss: 'loss',
  /** (B, Td) log p(label) per position, 0 where the label is −100. */
  tokenLogProbs: 'token_log_probs',
  /** Scalars (float): labelled positions whose argmax equals the label, and labelled positions. */
  correctTokens: 'correct_tokens',
  labelledTokens: 'labelled_tokens',
  logits: 'logits',
} as const;

/**
 * Evaluation graph, parameters as inputs (feed the trainer's current state) and no dropout.
 * Token accuracy = correct_tokens / labelled_tokens; sum them over batches for a dataset.
 */
export function buildEvalGraph(config: T5Config, shapes: T5Shapes, options: { withLogits?: boolean } = {}): Graph {
  const g = new Graph('t5_eval');
  const params = declareParams(g, config);
  const batch = declareBatch(g, shapes);
  const ctx = buildContext(g, config, params, { dropoutRate: 0 });
  const { loss, logits, tokenLogProbs, isCorrect, isLabelled } = t5Forward(ctx, batch);
  const { batchSize: b, targetLength: td } = shapes;
  g.output(loss, EVAL_OUTPUTS.loss);
  g.output(op.reshape(tokenLogProbs, [b, td]), EVAL_OUTPUTS.tokenLogProbs); // (B, Td)
  g.output(op.reduceSum(op.cast(isCorrect, 'float32'), null), EVAL_OUTPUTS.correctTokens);
  g.output(op.reduceSum(op.cast(isLabelled, 'float32'), null), EVAL_OUTPUTS.labelledTokens);
  if (options.withLogits) g.output(logits, EVAL_OUTPUTS.logits);
  return g;
}
