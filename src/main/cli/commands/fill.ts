// `spanfill fill --model DIR "prompt"`: fill the <extra_id_N> holes of a prompt with a T5
// model (greedy by default, beam search or seeded sampling on request) and print the filled
// text with the spans marked. The work is engine/t5/cli.ts fillPrompt.

import type { FillOutput } from '../../engine/t5/cli';
import { ApiError } from '../../../shared/errors';
import { fillPrompt, isT5InputError } from '../../engine/t5/cli';
import type { DecodingStrategy } from '../../engine/t5/generate';
import type { CommandContext } from '../command';
import { defineCommand, UsageError } from '../command';
import { resolveModelArgument } from '../model-arg';

function numberOption(context: CommandContext, name: string, min: number, max: number): number | undefined {
  const raw = context.string(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${raw}'`);
  return value;
}

function strategyFrom(context: CommandContext): DecodingStrategy {
  const beams = context.integer('beams', { min: 1, max: 64 });
  if (context.flag('sample')) {
    if (beams !== undefined) throw new UsageError('--beams and --sample cannot be combined; choose one');
    return {
      kind: 'sample',
      temperature: numberOption(context, 'temperature', 1e-4, 100),
      topP: numberOption(context, 'top-p', 1e-6, 1),
      topK: context.integer('top-k', { min: 0, max: 1_000_000 }),
      seed: context.integer('seed', { min: 0, max: 2 ** 32 - 1 }) ?? 0,
    };
  }
  for (const flag of ['temperature', 'top-p', 'top-k', 'seed']) {
    if (context.string(flag) !== undefined) throw new UsageError(`--${flag} needs --sample`);
  }
  return beams !== undefined && beams > 1 ? { kind: 'beam', numBeams: beams } : { kind: 'greedy' };
}

export const fillCommand = defineCommand({
  name: 'fill',
  summary: 'Fill <extra_id_N> holes in a prompt with a T5 model',
  usage:
    'spanfill fill --model DIR [--beams N | --sample [--temperature T] [--top-p P] [--top-k K] [--seed S]] [--max-new-tokens N] [--json] "prompt"',
  description: 'Example: spanfill fill --model ./t5-small "The <extra_id_0> walks in <extra_id_1> park"',
  options: {
    model: {
      type: 'string',
      placeholder: 'DIR',
      description: 'T5 model folder (with tokenizer.json), model id or pulled REPO_ID',
    },
    beams: { type: 'string', placeholder: 'N', description: 'Beam search with N beams' },
    sample: { type: 'boolean', description: 'Sample instead of greedy decoding' },
    temperature: { type: 'string', placeholder: 'T', description: 'Sampling temperature (default 1)' },
    'top-p': { type: 'string', placeholder: 'P', description: 'Nucleus sampling threshold (default 1: off)' },
    'top-k': { type: 'string', placeholder: 'K', description: 'Keep the K most likely tokens (default 0: off)' },
    seed: { type: 'string', placeholder: 'S', description: 'Sampling seed (default 0)' },
    'max-new-tokens': { type: 'string', placeholder: 'N', description: 'Most tokens to generate (default 32)' },
  },
  async run(context) {
    const modelDir = context.string('model');
    if (!modelDir) throw new UsageError('fill needs --model DIR');
    if (context.positionals.length !== 1)
      throw new UsageError(`fill needs exactly one prompt argument; got ${context.positionals.length}`);
    const strategy = strategyFrom(context);
    const maxNewTokens = context.integer('max-new-tokens', { min: 1, max: 512 }) ?? 32;
    try {
      return await fillPrompt({
        modelDir: resolveModelArgument(context, modelDir),
        prompt: context.positionals[0],
        strategy,
        maxNewTokens,
        signal: context.signal,
      });
    } catch (error) {
      throw isT5InputError(error) ? new ApiError('invalid_argument', error.message) : error;
    }
  },
  render(result) {
    const { marked, spans, output } = result as FillOutput;
    const lines = [marked, `  model output: ${JSON.stringify(output)}`];
    for (const span of spans)
      lines.push(`  <extra_id_${span.sentinel}>  ${span.isMissing ? '(no output)' : JSON.stringify(span.text)}`);
    return lines.join('\n');
  },
});
