// runs.estimate with timeSteps: a few training steps of the run's shape timed now, in the
// engine host (host/handlers/bench.ts, as `spanfill bench train` does) on random weights of
// the model's config (a step costs the same whatever the weights), one warm-up step first. The
// figure is remembered for this process by the step's shape, so later estimates of the same
// shape (another step count, learning rate…) reuse it instead of timing again.

import type { RunConfig } from '../../shared/contract/runs';
import type { HostRequester } from './engine-host';
import type { PreparedRun } from './runsPrepare';

/** Steps timed after one untimed warm-up step. */
export const TIMED_STEPS = 2;

export interface StepTiming {
  /** One optimizer step: the micro-batch's time × accumulation. */
  readonly msPerStep: number;
  /** The provider the bench ran on (a fallback shows here). */
  readonly provider: string;
  /** When it was timed (ISO). */
  readonly at: string;
}

/** What decides a step's time: model, provider, threads, example shape, micro-batch and accumulation. */
function shapeKey(config: RunConfig, targetLength: number): string {
  const { model, provider, threads, inputLength, batchSize, accumulation, dropout } = config;
  return JSON.stringify([model, provider, threads, inputLength, targetLength, batchSize, accumulation, dropout]);
}

export class StepTimings {
  private readonly timed = new Map<string, StepTiming>();

  /** The figure timed earlier in this process for `prepared`'s shape, if any. */
  of(prepared: PreparedRun): StepTiming | undefined {
    return this.timed.get(shapeKey(prepared.config, prepared.targetLength));
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
        provider: config.provider,
        threads: config.threads > 0 ? config.threads : undefined,
        dropoutRate: config.dropout ?? undefined,
      },
      { signal },
    );
    const timing = {
      msPerStep: result.msPerStep * config.accumulation,
      provider: result.provider,
      at: new Date().toISOString(),
    };
    this.timed.set(shapeKey(config, targetLength), timing);
    return timing;
  }
}
