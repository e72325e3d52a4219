// `spanfill fill --model DIR "prompt"`: fill the <extra_id_N> holes of a prompt (the argument,
// --prompt-file FILE or `-` for standard input; fill-prompt.ts) with a T5 model (greedy by
// default, beam search or seeded sampling on request) and print the filled text with the
// spans marked. This file parses flags and prints; the call is the contract's
// playground.fill, run by the playground service in the engine host (engine/t5/fill.ts).
// Ctrl-C aborts context.signal, which cancels the host request and stops the generation.

import {
  DECODING_BOUNDS,
  DECODING_DEFAULTS,
  MAX_NEW_TOKENS,
  tokenLimitNote,
  type DecodingStrategyArgs,
  type PlaygroundFillResult,
  type PlaygroundFilledSpan,
} from '../../../shared/contract/playground';
import type { CommandContext } from '../command';
import { defineCommand, UsageError } from '../command';
import { readPromptFile, readPromptStream } from './fill-prompt';
import { withModelFromFlags } from '../model-arg';

/** The strategy the flags ask for; sampling settings left out are the contract's defaults, as the Playground's. */
function strategyFrom(context: CommandContext): DecodingStrategyArgs {
  const beams = context.integer('beams', DECODING_BOUNDS.numBeams);
  if (context.flag('sample')) {
    if (beams !== undefined) throw new UsageError('--beams and --sample cannot be combined; choose one');
    return {
      kind: 'sample',
      temperature: context.number('temperature', DECODING_BOUNDS.temperature) ?? DECODING_DEFAULTS.temperature,
      topP: context.number('top-p', DECODING_BOUNDS.topP) ?? DECODING_DEFAULTS.topP,
      topK: context.integer('top-k', DECODING_BOUNDS.topK) ?? DECODING_DEFAULTS.topK,
      seed: context.integer('seed', DECODING_BOUNDS.seed) ?? DECODING_DEFAULTS.seed,
    };
  }
  for (const flag of ['temperature', 'top-p', 'top-k', 'seed']) {
    if (context.string(flag) !== undefined) throw new UsageError(`--${flag} needs --sample`);
  }
  return beams !== undefined && beams > 1 ? { kind: 'beam', numBeams: beams } : { kind: 'greedy' };
}

/** The prompt from the one argument, --prompt-file FILE, or standard input for `-`. */
function readPrompt(context: CommandContext, stdin: NodeJS.ReadableStream): Promise<string> {
  const file = context.string('prompt-file');
  const count = context.positionals.length;
  if (file !== undefined) {
    if (count !== 0) throw new UsageError(`fill takes the prompt from --prompt-file or an argument, not both`);
    return file === '-' ? readPromptStream(stdin, context.signal) : readPromptFile(file);
  }
  if (count !== 1)
    throw new UsageError(
      `fill needs exactly one prompt argument (or --prompt-file FILE, or - for standard input); got ${count}`,
    );
  const [prompt] = context.positionals;
  return prompt === '-' ? readPromptStream(stdin, context.signal) : Promise.resolve(prompt);
}

/** What the model wrote for one hole, as the text output lists it. */
function spanLine(span: PlaygroundFilledSpan): string {
  if (span.isMissing) return '(no output)';
  // As the Playground says it: blanks the prompt's own beside the hole stand for, not nothing.
  if (span.isBlankOnly) return '"" (spaces only: the prompt has its own beside the hole)';
  return span.isCutOff ? `${JSON.stringify(span.text)} (cut off at the token limit)` : JSON.stringify(span.text);
}

/** Standard input for `-`; tests replace it. */
export const promptInput: { stdin: NodeJS.ReadableStream } = { stdin: process.stdin };

export const fillCommand = defineCommand({
  name: 'fill',
  takesArguments: true,
  summary: 'Fill <extra_id_N> holes in a prompt with a T5 model',
  usage:
    'spanfill fill (--model DIR | --run ID [--checkpoint best|last|STEP]) [--beams N | --sample [--temperature T] [--top-p P] [--top-k K] [--seed S]] [--max-new-tokens N] ("prompt" | --prompt-file FILE | -)',
  description:
    'Example: spanfill fill --model ./t5-small "The <extra_id_0> walks in <extra_id_1> park"\n\n' +
    'Write <extra_id_0>, <extra_id_1>, … where spans are missing; the prompt needs at least one, and each must be ' +
    "one of the tokenizer's sentinels (<extra_id_0> to <extra_id_99> for T5). A prompt may be at most 2,048 tokens " +
    "(fewer for models with very many attention heads); a longer one is refused with the model's limit.\n\n" +
    'A long prompt cannot be passed as an argument (Linux allows 128 KiB): use --prompt-file FILE (UTF-8 text), ' +
    'or - to read standard input, e.g. `cat prompt.txt | spanfill fill --model ./t5-small -`. One final line ' +
    'break of a file or of standard input is dropped.\n\n' +
    "With --json, each span's start and end are offsets into text in UTF-16 code units (JavaScript string " +
    'indices: an emoji counts 2; in Python, index text.encode("utf-16-le") by twice the offset).',
  options: {
    model: {
      type: 'string',
      placeholder: 'DIR',
      description: 'T5 model folder (with tokenizer.json), model id or name, or pulled REPO_ID',
    },
    run: {
      type: 'string',
      placeholder: 'ID',
      description: "A training run's checkpoint instead of --model (run id or name)",
    },
    checkpoint: { type: 'string', placeholder: 'C', description: 'With --run: best (default), last or a step' },
    beams: {
      type: 'string',
      placeholder: 'N',
      description: `Beam search with N beams, from ${DECODING_BOUNDS.numBeams.min} to ${DECODING_BOUNDS.numBeams.max}`,
    },
    sample: { type: 'boolean', description: 'Sample instead of greedy decoding' },
    temperature: {
      type: 'string',
      placeholder: 'T',
      description: `Sampling temperature (default ${DECODING_DEFAULTS.temperature})`,
    },
    'top-p': {
      type: 'string',
      placeholder: 'P',
      description: `Nucleus sampling threshold (default ${DECODING_DEFAULTS.topP}; 1: off)`,
    },
    'top-k': {
      type: 'string',
      placeholder: 'K',
      description: `Keep the K most likely tokens (default ${DECODING_DEFAULTS.topK}; 0: off)`,
    },
    seed: { type: 'string', placeholder: 'S', description: `Sampling seed (default ${DECODING_DEFAULTS.seed})` },
    'max-new-tokens': {
      type: 'string',
      placeholder: 'N',
      description: `Most tokens to generate (default ${MAX_NEW_TOKENS.default}, at most ${MAX_NEW_TOKENS.max}); an answer cut off there says so`,
    },
    'prompt-file': {
      type: 'string',
      placeholder: 'FILE',
      description: 'Read the prompt from FILE (- for standard input)',
    },
  },
  async run(context) {
    const strategy = strategyFrom(context);
    const maxNewTokens =
      context.integer('max-new-tokens', { min: MAX_NEW_TOKENS.min, max: MAX_NEW_TOKENS.max }) ?? MAX_NEW_TOKENS.default;
    const prompt = await readPrompt(context, promptInput.stdin);
    const result = await withModelFromFlags(context, 'fill', (modelDir) =>
      context.app().playground.fill({ modelDir, prompt, strategy, maxNewTokens }, { signal: context.signal }),
    );
    // A fill cut off by the limit says so, in --json too, with the flag that raises it.
    const limitNote = tokenLimitNote(result, '--max-new-tokens');
    return limitNote === null ? result : { ...result, notes: [...result.notes, limitNote] };
  },
  render(result) {
    const { marked, spans, output, notes } = result as PlaygroundFillResult;
    const lines = [marked, `  model output: ${JSON.stringify(output)}`];
    for (const span of spans) lines.push(`  <extra_id_${span.sentinel}>  ${spanLine(span)}`);
    for (const note of notes) lines.push(`  note: ${note}`);
    return lines.join('\n');
  },
});
