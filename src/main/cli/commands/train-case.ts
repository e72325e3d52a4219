// `spanfill train --case FILE --steps N`: trains a model folder on the fixed batch of a case
// file (the golden fixture format) through the runs service and the engine host, and returns
// the loss before each update — how the engine is checked against the reference curves
// (test/fixtures/t5/*/curve.json). Nothing is stored: the result has no run id.

import type { CommandContext } from '../command';
import { UsageError } from '../command';
import { resolveModelArgument } from '../model-arg';

/** A number flag, or undefined when absent; a usage error naming the flag when not a number. */
export function optionalNumber(context: CommandContext, flag: string): number | undefined {
  const raw = context.string(flag);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${flag} must be a number, got '${raw}'`);
  return value;
}

/** optionalNumber, and a usage error naming the flag and its range when `isValid` refuses the value. */
function inRange(context: CommandContext, flag: string, isValid: (value: number) => boolean, range: string) {
  const value = optionalNumber(context, flag);
  if (value !== undefined && !isValid(value)) throw new UsageError(`--${flag} must be ${range}, got ${value}`);
  return value;
}

export async function trainCase(context: CommandContext): Promise<unknown> {
  const model = context.string('model');
  const casePath = context.string('case') as string;
  if (!model) throw new UsageError('train --case needs --model DIR');
  const steps = context.integer('steps', { min: 1, max: 1_000_000 });
  if (steps === undefined) throw new UsageError('train --case needs --steps N');
  const lr = optionalNumber(context, 'lr') ?? 1e-3;
  if (!(lr > 0)) throw new UsageError(`--lr must be > 0, got ${lr}`);
  // Every flag checked before the store opens: a usage error leaves nothing behind.
  const request = {
    modelDir: resolveModelArgument(context, model),
    case: casePath,
    steps,
    lr,
    beta1: inRange(context, 'beta1', (v) => v >= 0 && v < 1, 'in [0, 1)'),
    beta2: inRange(context, 'beta2', (v) => v >= 0 && v < 1, 'in [0, 1)'),
    eps: inRange(context, 'eps', (v) => v > 0, '> 0'),
    weightDecay: optionalNumber(context, 'weight-decay') ?? 0,
    seed: context.integer('seed', { min: 0, max: 2 ** 32 - 1 }),
  };
  const result = await context
    .app()
    .runs.trainOnCase(
      request,
      (losses) => context.status(`step ${losses.length}/${steps}  loss ${losses[losses.length - 1].toFixed(6)}`),
      context.signal,
    );
  return { runId: null, steps, provider: result.provider, losses: result.losses };
}
