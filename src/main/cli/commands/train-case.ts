// `spanfill train --case FILE --steps N`: trains a model folder on the fixed batch of a case
// file (the golden fixture format) through the runs service and the engine host, and returns
// the loss before each update — how the engine is checked against the reference curves
// (test/fixtures/t5/*/curve.json). Nothing is stored: the result has no run id.

import path from 'node:path';
import type { CommandContext } from '../command';
import { UsageError } from '../command';
import { numberOption } from '../options';
import { resolveModelArgument } from '../model-arg';
import { lossText } from '../output';
import { runConfigSchema } from '../../../shared/contract/runs';

/** A decimal number as people write one (2, -0.5, 1e-3): not "0x10", "0b1", " 5" or "Infinity", which Number() takes. */
/** A number flag, or undefined when absent; a usage error naming the flag when not a number. */
export const optionalNumber = (context: CommandContext, flag: string): number | undefined =>
  numberOption(flag, context.string(flag));

/** optionalNumber, and a usage error naming the flag and its range when `isValid` refuses the value. */
function inRange(context: CommandContext, flag: string, isValid: (value: number) => boolean, range: string) {
  const value = optionalNumber(context, flag);
  if (value !== undefined && !isValid(value)) throw new UsageError(`--${flag} must be ${range}, got ${value}`);
  return value;
}

/** Whether a run's configuration takes `value` as its `field` (runConfigSchema's bound). */
const runAccepts =
  (field: 'lr' | 'weightDecay') =>
  (value: number): boolean =>
    runConfigSchema.shape[field].safeParse(value).success;

export async function trainCase(context: CommandContext): Promise<unknown> {
  const model = context.string('model');
  const casePath = context.string('case') as string;
  if (!model) throw new UsageError('train --case needs --model DIR');
  const steps = context.integer('steps', { min: 1, max: 1_000_000 });
  if (steps === undefined) throw new UsageError('train --case needs --steps N');
  // The bounds of a run's lr and weight decay (contract/runs.ts), so a case trains what a run could.
  const lr = inRange(context, 'lr', runAccepts('lr'), 'in (0, 10]') ?? 1e-3;
  // Every flag checked before the store opens: a usage error leaves nothing behind.
  const request = {
    modelDir: resolveModelArgument(context, model),
    case: path.resolve(casePath),
    steps,
    lr,
    beta1: inRange(context, 'beta1', (v) => v >= 0 && v < 1, 'in [0, 1)'),
    beta2: inRange(context, 'beta2', (v) => v >= 0 && v < 1, 'in [0, 1)'),
    eps: inRange(context, 'eps', (v) => v > 0, '> 0'),
    weightDecay: inRange(context, 'weight-decay', runAccepts('weightDecay'), 'in [0, 10]') ?? 0,
    seed: context.integer('seed', { min: 0, max: 2 ** 32 - 1 }),
  };
  // A file that cannot be read or is not a case is said as `score --case` says it ("… does not exist").
  context.app().playground.checkCase(request.case);
  const result = await context
    .app()
    .runs.trainOnCase(
      request,
      (losses) => context.status(`step ${losses.length}/${steps}  loss ${lossText(losses[losses.length - 1], 6)}`),
      context.signal,
    );
  return { runId: null, steps, provider: result.provider, losses: result.losses };
}
