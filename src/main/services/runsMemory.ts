// How much memory a training step needs, how much a run may use, and the micro-batch split
// that fits: when `batchSize` at the run's lengths is over the budget, train micro-batches of
// m with accumulation (batchSize·accumulation)/m, so every optimizer step still sees the same
// examples in the same order (engine/train/batchStream.ts draws K·M micro-batches in turn).
// The budget is the run's memoryBudgetMiB, else free RAM (CPU) or free GPU memory by
// nvidia-smi (cuda, webgpu) less a margin; with no honest GPU figure nothing is checked.

import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { MemorySplit, RunConfig } from '../../shared/contract/runs';
import { describeMemorySplit } from '../../shared/contract/runEstimate';
import { isLoopedByDefault } from '../engine/optim/stepMode';
import type { T5Config } from '../engine/t5/config';
import { countParams, t5ParamShapes } from '../engine/t5/params';
import { fitsKernelMemory } from '../engine/optim/wasm/adamwKernel';
import { SPAN_GROUP } from '../engine/train/spanGroup';
import { noSplitFits, pickMicroBatch } from './runsMemorySplit';

/**
 * Bytes one training step of the engine host needs at its peak (process RSS), fitted to
 * `spanfill bench train` and `spanfill train` on the CPU (NOTE below). Three parts: the
 * process and onnxruntime themselves; PARAM_COPIES times the parameter bytes (parameters,
 * gradients, two optimizer slots, and the copies of parameters and optimizer state each call
 * feeds in and gets back); and per example the activations kept for the backward pass: per
 * token and layer a few D and F vectors, per attention score SCORE_FLOATS (scores,
 * probabilities, the dropout's output, and the gradients in flight), and three copies of the
 * target logits; and, when the step's dropout rate (`dropoutRate`: the run's, else the model
 * config's) is over 0, a byte per dropout position of the step's examples (dropoutPositions; at
 * rate 0 no mask is drawn, engine/t5/training.ts). The parameter copies depend on where the step's
 * update runs (`placement`, paramCopies). An estimate, slightly conservative; ORT's arena grows in
 * steps, so measured peaks are not linear in B.
 */
export function estimateStepBytes(
  config: T5Config,
  batchSize: number,
  inputLength: number,
  targetLength: number,
  accumulation = 1,
  placement: StepPlacement = 'graph',
  dropoutRate = config.dropoutRate,
): number {
  const { dModel, dFf, numHeads, numLayers, numDecoderLayers, vocabSize } = config;
  const paramBytes = paramBytesOf(config);
  const perToken = 6 * dModel + 1.5 * dFf; // floats per token and layer
  const scores = (rows: number, columns: number) => SCORE_FLOATS * numHeads * rows * columns;
  const perExample =
    numLayers * (inputLength * perToken + scores(inputLength, inputLength)) +
    numDecoderLayers *
      (targetLength * perToken + scores(targetLength, targetLength) + scores(targetLength, inputLength)) +
    3 * targetLength * vocabSize;
  const copies = paramCopies(placement, accumulation);
  const masks = dropoutRate > 0 ? batchSize * accumulation * dropoutPositions(config, inputLength, targetLength) : 0;
  return PROCESS_BYTES + copies * paramBytes + 4 * batchSize * perExample + masks;
}

/**
 * Bytes a run needs at its peak: one step (estimateStepBytes) and its evaluation
 * (estimateEvaluationBytes), whose sessions hold their memory beside the training session's.
 * What planMemory, `train --estimate` and the Train screen count. Against the whole trainer's
 * peak (bench/MEASUREMENTS.md, 2026-12-06): byt5-tiny 256/58 B=8–32 (a Loop) 1.09–1.11 of it,
 * t5-small 128–512 on the host 1.05–1.21 (HOST_PARAM_COPIES' NOTE).
 */
export function estimateRunBytes(...step: Parameters<typeof estimateStepBytes>): number {
  const [config, batchSize, inputLength, targetLength] = step;
  return estimateStepBytes(...step) + estimateEvaluationBytes(config, batchSize, inputLength, targetLength);
}

/**
 * Bytes the trainer's evaluation (engine/train/evaluate.ts) adds to the step's: its session's
 * arena at the micro-batch, kept from the first evaluation to the end of the run, holds one
 * forward pass of the batch (ORT's memory pattern is off for it); and the span exact-match
 * decodes its sample in groups of SPAN_GROUP (decodeFloats each). The decoding sessions' copies
 * of the weights are in the step's (fitted to whole-trainer figures). */
export function estimateEvaluationBytes(
  config: T5Config,
  batchSize: number,
  inputLength: number,
  targetLength: number,
): number {
  return (
    4 *
    (batchSize * forwardFloats(config, inputLength, targetLength) +
      SPAN_GROUP * decodeFloats(config, inputLength, targetLength))
  );
}

/**
 * Floats one example holds at the peaks of a forward pass without gradients. ORT frees each
 * tensor after its last use, so one layer's are live at a time: in the encoder (encoderFloats),
 * in the decoder 2 per self- and cross-attention score, per token 4 D-wide and 2 F-wide
 * vectors, the encoder's output and two copies of the logits (logits, log-softmax).
 * The two stacks' peaks are added, not the larger taken: the arena keeps the blocks of both
 * (measured per example without the memory pattern, 2026-12-06: byt5-tiny 256/58 5.4 MiB
 * against 5.1 here, t5-small 512/114 37 against 44).
 */
function forwardFloats(config: T5Config, inputLength: number, targetLength: number): number {
  const { dModel, dFf, numHeads, vocabSize } = config;
  const decoder =
    2 * numHeads * targetLength * (targetLength + inputLength) +
    targetLength * (4 * dModel + 2 * dFf) +
    inputLength * dModel +
    2 * targetLength * vocabSize;
  return encoderFloats(config, inputLength) + decoder;
}

/**
 * The encoder's peak per example: 3 floats per self-attention score (the stack's bias
 * (B, H, Te, Te), built once for all its layers, the scores and their softmax) and per token
 * 4 D-wide and 2 F-wide vectors (residual, norm, projections; the FFN's hidden).
 */
function encoderFloats(config: T5Config, inputLength: number): number {
  const { dModel, dFf, numHeads } = config;
  return 3 * numHeads * inputLength * inputLength + inputLength * (4 * dModel + 2 * dFf);
}

/**
 * Floats one example of the span exact-match's greedy decode (T5Runtime, its cache on the
 * host) holds at its peak: the encoder's pass (its session's arena stays while the decoder
 * steps), every decoder layer's cross-attention keys and values over the input, and its
 * self-attention keys and values grown to the target length, twice (the step's past in, its
 * present out); a step's own activations (one token) are small beside them.
 * Measured 2026-12-06 (RSS added by decoding 16 against 4 at once, per example): t5-small
 * 512/114 36 MiB against 51 here.
 */
function decodeFloats(config: T5Config, inputLength: number, targetLength: number): number {
  const { numHeads, dKv, numDecoderLayers } = config;
  const keysAndValues = 2 * numDecoderLayers * numHeads * dKv;
  return encoderFloats(config, inputLength) + keysAndValues * (inputLength + 2 * targetLength);
}

/**
 * Dropout positions of one example's forward pass (HF T5's sites: per stack the embeddings and
 * the final norm's output; per encoder block the attention probabilities, the attention output,
 * the FFN hidden and the FFN output; per decoder block those of self- and cross-attention). The
 * CPU's one-step runs hold a byte per position for every micro-batch of a step
 * (engine/onnx/hostMasks.ts) from one step to the next, evaluation included.
 */
export function dropoutPositions(config: T5Config, inputLength: number, targetLength: number): number {
  const { dModel, dFf, numHeads, numLayers, numDecoderLayers } = config;
  const encoder = numHeads * inputLength * inputLength + inputLength * (2 * dModel + dFf);
  const decoder = numHeads * targetLength * (targetLength + inputLength) + targetLength * (3 * dModel + dFf);
  return numLayers * encoder + 2 * inputLength * dModel + numDecoderLayers * decoder + 2 * targetLength * dModel;
}

/**
 * NOTE: calibration, 2026-11-30 at 47fd10d (ORT's memory pattern off, bool dropout masks,
 * dropout(relu) as one mask), this 2-core machine, 2 threads. Peak RSS in MiB, measured →
 * estimated. `node bin/spanfill.mjs bench train --preset t5-small --batch B --inputs TE
 * --targets TD --threads 2 --steps 1 --json` (the engine host's peak; one warm-up, one step):
 *   128/32: B=1 2424 → 2683, B=2 2423 → 2743, B=4 2453 → 2863, B=8 2479 → 3102
 *   512/114: B=1 2482 → 3150, B=2 2530 → 3677, B=4 3212 → 4731, B=8 5579 → 6839
 *   t5-base B=1 128/32: 8411 → 9284; `--model test/fixtures/t5/t5-tiny-relu`: B=1 128/32
 *   169 → 205, B=8 512/114 609 → 742 (t5-tiny-gated 196 → 204, 545 → 652).
 * `spanfill train --dataset ID --model preset:t5-small --tokenizer bytes --input-length TE
 * --batch-size B --accumulation A --max-steps 2 --threads 2` on 1.6 MB of text (the whole
 * trainer, with its evaluation session; /usr/bin/time %M, the largest process: the host):
 *   128 B=8 2179 → 2350; 128 B=2 accumulation 4 2344 → 2573; 512 B=4 3909 → 3914;
 *   512 B=1 accumulation 4 2949 → 2964 (the split saves what it should: 0.9 GiB at 512).
 * So the estimate runs 0–47 % over (most where ORT's arena rounds a small batch up; least for
 * the trainer at 512, whose evaluation session adds to the step). The parameter part is most
 * of a small step (~10 copies of the parameter bytes); attention scores dominate at input
 * 512. GPU memory was not measured (no GPU here): the same formula stands in.
 */
const PROCESS_BYTES = 200 * 2 ** 20;
const PARAM_COPIES = 10.5;
/**
 * Floats kept per attention score and head (fitted with the NOTE's measurements; their bool
 * dropout mask, a quarter of a float, is counted with the others in dropoutPositions).
 */
const SCORE_FLOATS = 6.25;
/**
 * The gradient sums a step with accumulation carries (128 B=2 × 4 and 512 B=1 × 4 above; 4,
 * not 3, since the host update's whole-trainer figures in dropoutPositions' NOTE).
 */
const ACCUMULATION_PARAM_COPIES = 4;

/**
 * Where a training call's optimizer update runs, which sets how many copies of the parameters
 * the step holds: 'host' (the CPU's one-step runs on float32 parameters, engine/optim/hostProgram.ts),
 * 'graph' (as ONNX nodes: every other device, and a model whose optimizer state is over what one
 * WebAssembly memory holds) or 'loop' (K steps in one ONNX Loop, the update in its body).
 */
export type StepPlacement = 'host' | 'graph' | 'loop';

/**
 * NOTE: calibration of the host update's steps (placement 'host', the CPU's one-step runs since
 * 96321eb), 2026-12-06 at 0b8db18, this 2-core machine, 2 threads, the built app. Peak RSS in MiB
 * of the engine host. The whole trainer, `spanfill train --dataset D --model preset:t5-small
 * --tokenizer bytes --input-length TE --batch-size B [--accumulation A] --max-steps 4 --threads 2`
 * on 1,199 paragraphs (its evaluation at the end; VmRSS sampled every 0.2 s to part training
 * from what comes after it): training / whole run, against the estimate's step / step and evaluation:
 *   128/29 B=8 1,814 / 1,937; 128/29 B=2 ×4 1,808 / 2,024; 256/58 B=8 2,497 / 2,667;
 *   512/114 B=4 2,868 / 3,252; 512/114 B=1 ×4 2,084 / 2,598 (the larger of two series where
 *   there are two; TRAINER_HOST in the tests).
 * The step alone, `spanfill bench train --preset t5-small --batch B --inputs TE --targets TD
 * --threads 2 --steps 1` (2026-12-03 at 96321eb): 128/32 B=1 1,578, B=8 1,986; 512/114 B=1
 * 1,790, B=4 2,894, B=8 4,435; `--preset t5-base --batch 1` 128/32 4,815 (2026-12-06).
 * The graph's copies (PARAM_COPIES) ran 3.3–6.5 copies over these; HOST_PARAM_COPIES is the
 * fewest that keeps every whole-trainer figure under its estimate with ~5 % to spare (128/29 B=8
 * binds), and accumulation's sums, held on the host, add HOST_ACCUMULATION_PARAM_COPIES (128/29
 * B=2 ×4 binds). The rest of the margin at 512 is the attention scores' (SCORE_FLOATS). Adafactor's
 * update on the host (fa9eddb) peaks lower still (`bench train --optimizer adafactor` 128/29 B=8
 * 1,473–1,477 MiB, 512/114 B=8 4,183, 2026-12-04): planned as AdamW's.
 */
const HOST_PARAM_COPIES = 8;
const HOST_ACCUMULATION_PARAM_COPIES = 2.5;

/** Whether `run`'s calls of K steps run in one ONNX Loop (the engine's 'auto' mode, float32 parameters). */
export function isLoopedRun(config: T5Config, run: Pick<RunConfig, 'stepsPerCall' | 'provider'>): boolean {
  return isLoopedByDefault(run.stepsPerCall, run.provider, paramBytesOf(config));
}

/**
 * Where `run`'s update runs as the engine decides it (program.ts, hostProgram.ts isHostUpdate):
 * in a Loop when isLoopedRun, on the host for the CPU's one-step runs of a model whose AdamW state
 * fits one WebAssembly memory (Adafactor's, smaller, is planned as AdamW's), else in the graph.
 */
export function stepPlacementOf(config: T5Config, run: Pick<RunConfig, 'stepsPerCall' | 'provider'>): StepPlacement {
  if (isLoopedRun(config, run)) return 'loop';
  const isHost = run.provider === 'cpu' && fitsKernelMemory(countParams(t5ParamShapes(config)));
  return isHost ? 'host' : 'graph';
}

/** Copies of the parameter bytes a step holds (NOTEs on the constants), by where its update runs. */
function paramCopies(placement: StepPlacement, accumulation: number): number {
  if (placement === 'host') return HOST_PARAM_COPIES + (accumulation > 1 ? HOST_ACCUMULATION_PARAM_COPIES : 0);
  const loop = placement === 'loop' ? LOOP_PARAM_COPIES : 0;
  return PARAM_COPIES + (accumulation > 1 ? ACCUMULATION_PARAM_COPIES : 0) + loop;
}

/** The bytes of the model's float32 parameters. */
const paramBytesOf = (config: T5Config): number => 4 * countParams(t5ParamShapes(config));

/**
 * NOTE: calibration of a call of K > 1 steps, 2026-11-30 at c571c11, the same machine,
 * t5-small, 2 threads, peak RSS in MiB of a process running calls of K steps (`compile` with
 * mode 'loop' or 'single', one warm-up call). One Loop: B=8 64/16 K=10 4774 (4700 with the
 * engine host's malloc settings, host/allocator.ts), B=1 128/32 K=2 4763, B=2 512/114 K=2
 * 4759, B=8 128/29 K=4 4760–4800: ~9.6–10.1 more copies of the parameter bytes than one step
 * (about three of the training state). K one-step runs with the host's malloc settings: B=8
 * 64/16 K=10 2588 against 2567 for K = 1, so nothing is added for them. Under 'auto' a Loop
 * now runs only on CUDA and for small models on the CPU (engine/optim/stepMode.ts); GPU
 * memory was not measured, and these CPU figures stand in for it.
 */
const LOOP_PARAM_COPIES = 10.5;

/*
 * NOTE: dropout masks drawn on the host (de1fd03) are held from one step to the next, a byte
 * per position (dropoutPositions: 31.7 MiB for t5-small B=8 128/29, 218 MiB at 512/114).
 * The whole trainer, measured as in PARAM_COPIES' NOTE but on 40 files of 40 KB (38 train, 2
 * validation), against the commit before (e9f825f): 128 B=8 2099, 128 B=2 ×4 2335, 512 B=4
 * 3888 (3814 before), 512 B=1 ×4 3196 (3115 before). The last was over the estimate before
 * the masks too (2964 MiB then), on this data; accumulation's copies are raised to cover it.
 */

/** What a run may use: bytes (null: unknown, nothing is checked) and where the figure comes from. */
export interface MemoryBudget {
  readonly bytes: number | null;
  readonly basis: string;
}

/** Free RAM less this share of it and at least MIN_MARGIN_BYTES: room for the app and the OS. */
const MARGIN_SHARE = 0.1;
const MIN_MARGIN_BYTES = 512 * 2 ** 20;

/** Free memory less the margin (never below 0). */
export function lessMargin(freeBytes: number): number {
  return Math.max(0, freeBytes - Math.max(MIN_MARGIN_BYTES, MARGIN_SHARE * freeBytes));
}

/** Where the machine's free memory comes from (tests give their own). */
export interface MemoryProbe {
  /** Free (available) RAM in bytes: os.freemem(), which reads MemAvailable on Linux. */
  freeRam(): number;
  /** Free memory of GPU 0 in bytes, or null with the reason when no figure can be had. */
  freeGpu(): { bytes: number } | { bytes: null; reason: string };
}

export const machineMemory: MemoryProbe = {
  freeRam: () => os.freemem(),
  freeGpu: () => {
    try {
      const out = execFileSync('nvidia-smi', ['--query-gpu=memory.free', '--format=csv,noheader,nounits'], {
        encoding: 'utf8',
        timeout: 5000,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const mib = Number(out.trim().split('\n')[0]);
      if (Number.isFinite(mib) && mib >= 0) return { bytes: mib * 2 ** 20 };
      return { bytes: null, reason: `nvidia-smi printed '${out.trim()}', not a number of MiB` };
    } catch {
      return { bytes: null, reason: 'nvidia-smi is not installed or found no GPU' };
    }
  },
};

/** The run's budget: memoryBudgetMiB when given, else free memory less a margin, else unknown. */
export function memoryBudget(run: Pick<RunConfig, 'memoryBudgetMiB' | 'provider'>, probe: MemoryProbe): MemoryBudget {
  if (run.memoryBudgetMiB !== undefined) return { bytes: run.memoryBudgetMiB * 2 ** 20, basis: 'memoryBudgetMiB' };
  if (run.provider === 'cpu') return { bytes: lessMargin(probe.freeRam()), basis: 'free memory less a margin' };
  if (run.provider === 'cuda' || run.provider === 'webgpu') {
    const gpu = probe.freeGpu();
    if (gpu.bytes !== null)
      return { bytes: lessMargin(gpu.bytes), basis: 'free GPU memory (nvidia-smi) less a margin' };
    return { bytes: null, basis: `GPU memory not checked: ${gpu.reason}; set memoryBudgetMiB to have it checked` };
  }
  return { bytes: null, basis: `${run.provider} memory not checked: no free-memory figure for it` };
}

/** The memory plan of a run: its budget, the split it trains with and that split's estimate. */
export interface MemoryPlan {
  readonly budget: MemoryBudget;
  readonly batchSize: number;
  readonly accumulation: number;
  /** Bytes the run needs at batchSize and accumulation: a step and its evaluation (estimateRunBytes). */
  readonly stepBytes: number;
  /** Set when the asked batchSize did not fit and a smaller micro-batch does. */
  readonly split: MemorySplit | null;
  /** What to tell the person starting the run (the split, or that memory is not checked); null: nothing. */
  readonly notice: string | null;
}

/** Thrown when no micro-batch split is within the budget (runsMemorySplit.ts says why). */
export class MemoryBudgetError extends Error {}

/** Plans `run` against `budget` at `targetLength`; throws MemoryBudgetError when nothing fits. */
export function planMemory(config: T5Config, run: RunConfig, targetLength: number, budget: MemoryBudget): MemoryPlan {
  const placement = stepPlacementOf(config, run);
  const dropoutRate = run.dropout ?? config.dropoutRate; // as the trainer takes it (engine/train/trainer.ts)
  const need = (m: number, a: number) =>
    estimateRunBytes(config, m, run.inputLength, targetLength, a, placement, dropoutRate);
  const { batchSize, accumulation } = run;
  const asked = need(batchSize, accumulation);
  const unsplit = { budget, batchSize, accumulation, stepBytes: asked, split: null };
  if (budget.bytes === null) return { ...unsplit, notice: budget.basis };
  const limit = budget.bytes;
  if (asked <= limit) return { ...unsplit, notice: null };
  const picked = pickMicroBatch(batchSize, accumulation, (m, a) => need(m, a) <= limit);
  if (picked === null) throw new MemoryBudgetError(noSplitFits({ ...run, limit, basis: budget.basis }, need));
  const split: MemorySplit = {
    askedBatchSize: batchSize,
    askedAccumulation: accumulation,
    neededBytes: asked,
    budgetBytes: limit,
    basis: budget.basis,
  };
  return {
    budget,
    ...picked,
    stepBytes: need(picked.batchSize, picked.accumulation),
    split,
    notice: describeMemorySplit(split, picked),
  };
}

/** `run` as it trains under `plan`: the planned micro-batch and accumulation, and the split recorded. */
export function applyMemoryPlan(run: RunConfig, plan: MemoryPlan): RunConfig {
  if (plan.split === null) return run;
  return { ...run, batchSize: plan.batchSize, accumulation: plan.accumulation, memorySplit: plan.split };
}
