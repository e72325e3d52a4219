// runs.estimate with timeSteps: a few training steps of the run's shape timed now, in the
// engine host (host/handlers/bench.ts, as `spanfill bench train` does) on random weights of
// the model's config (a step costs the same whatever the weights), one warm-up call first, at
// the run's steps per call (a call of K steps costs less than K calls of one: the parameters
// and optimizer state are copied once per call); then, where the run validates, the parts of a
// validation pass (bench.validation: an evaluation batch, a decoding group; runsValidationTime.ts
// counts the passes). The figures are remembered for this process by the step's shape, so later
// estimates of the same shape (another step count, learning rate…) reuse them instead of timing again.

import type { RunConfig } from '../../shared/contract/runs';
import type { HostRequester } from './engine-host';
import type { PreparedRun } from './runsPrepare';
import { passParts, validationPasses, validationShapeOf, type ValidationCost } from './runsValidationTime';

/** Steps timed after one untimed warm-up call (rounded up to whole calls of the run's stepsPerCall). */
export const TIMED_STEPS = 2;

export interface StepTiming {
  /** One optimizer step: the micro-batch's time × accumulation. */
  readonly msPerStep: number;
  /** The steps timed (TIMED_STEPS in whole calls). */
  readonly timedSteps: number;
  /** A validation pass's parts; null: not timed, the run timed made no pass. */
  readonly validation: ValidationCost | null;
  /** The provider the bench ran on (a fallback shows here). */
  readonly provider: string;
  /** When it was timed (ISO). */
  readonly at: string;
}

/** What decides a step's time: model, provider, threads, example shape, micro-batch, accumulation and steps per call. */
function shapeKey(config: RunConfig, targetLength: number): string {
  const { model, provider, threads, inputLength, batchSize, accumulation, dropout, stepsPerCall } = config;
  return JSON.stringify([
    model,
    provider,
    threads,
    inputLength,
    targetLength,
    batchSize,
    accumulation,
    dropout,
    stepsPerCall,
  ]);
}

/** Whether `prepared` makes validation passes that decode (then its timing needs a decoding group). */
function validates(prepared: PreparedRun): { passes: boolean; decodes: boolean } {
  const shape = validationShapeOf(prepared);
  return { passes: validationPasses(shape) > 0, decodes: passParts(shape).groups > 0 };
}

export class StepTimings {
  private readonly timed = new Map<string, StepTiming>();

  /** The figure timed earlier in this process for `prepared`'s shape, if any (with its validation where it validates). */
  of(prepared: PreparedRun): StepTiming | undefined {
    const timing = this.timed.get(shapeKey(prepared.config, prepared.targetLength));
    const needs = validates(prepared);
    if (!timing || !needs.passes) return timing;
    const lacks = timing.validation === null || (needs.decodes && timing.validation.firstGroupMs === 0);
    return lacks ? undefined : timing;
  }

  /** Times TIMED_STEPS steps of `prepared`'s shape in the engine host and remembers the figure. */
  async measure(engine: HostRequester, prepared: PreparedRun, signal?: AbortSignal): Promise<StepTiming> {
    const { config, targetLength, modelConfig } = prepared;
    const result = await engine.request(
      'bench.train',
      {
        preset: 't5-small', // its name only; the model's own config below gives the shape
        config: modelConfig,
        modelName: config.model,
        batchSize: config.batchSize,
        inputLength: config.inputLength,
        targetLength,
        steps: TIMED_STEPS,
        warmupSteps: 1,
        stepsPerCall: config.stepsPerCall,
        provider: config.provider,
        threads: config.threads > 0 ? config.threads : undefined,
        dropoutRate: config.dropout ?? undefined,
      },
      { signal },
    );
    const timing = {
      msPerStep: result.msPerStep * config.accumulation,
      timedSteps: Math.ceil(TIMED_STEPS / config.stepsPerCall) * config.stepsPerCall,
      validation: await this.validationCost(engine, prepared, signal),
      provider: result.provider,
      at: new Date().toISOString(),
    };
    this.timed.set(shapeKey(config, targetLength), timing);
    return timing;
  }

  /** Times a validation pass's parts at `prepared`'s micro-batch and lengths; null where it makes no pass. */
  private async validationCost(
    engine: HostRequester,
    prepared: PreparedRun,
    signal?: AbortSignal,
  ): Promise<ValidationCost | null> {
    const needs = validates(prepared);
    if (!needs.passes) return null;
    const { config, targetLength, modelConfig } = prepared;
    const result = await engine.request(
      'bench.validation',
      {
        config: modelConfig,
        batchSize: config.batchSize,
        inputLength: config.inputLength,
        targetLength,
        decodeRows: needs.decodes ? undefined : 0,
        provider: config.provider,
        threads: config.threads > 0 ? config.threads : undefined,
      },
      { signal },
    );
    return { evalBatchMs: result.evalBatchMs, firstGroupMs: result.firstGroupMs, groupMs: result.groupMs };
  }
}
