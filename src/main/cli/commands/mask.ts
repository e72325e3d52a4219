// `spanfill mask (--dataset ID | --text T | --text-file FILE) [--model DIR]`: show how span
// corruption masks a text or a dataset example — the noise spans, the model input and target,
// token counts and the computed lengths. Re-roll with another --seed. The work is
// services/masking.ts; a text too long for an argument comes from a file or standard input
// (../textInput.ts, as `fill --prompt-file` reads a prompt).

import { BYTE_TOKENIZER_NAME } from '../../../shared/contract/datasets';
import {
  MASKING_BOUNDS,
  MASKING_DEFAULTS,
  maskingCalls,
  maskingCountsText,
  maskingLengthsText,
  type MaskingPreviewResult,
} from '../../../shared/contract/masking';
import type { AppServices } from '../../services/app';
import { maskingTextFromBytes, previewMasking } from '../../services/masking';
import type { CommandContext } from '../command';
import { defineCommand, UsageError } from '../command';
import { datasetFlag } from '../ref-arg';
import { fullModelReference } from '../model-arg';
import { choiceOption } from '../options';
import { formatPairs, type ProgressBar } from '../output';
import { readTextInput, withoutFinalLineBreak, type TextInputKind } from '../textInput';
import { indexOfShown, shownNumber } from '../../../shared/shownNumber';

/**
 * Runs `work` with a 'Tokenizing' bar (documents done / total) that appears only if the
 * dataset's token cache has to be built, so a cached run prints nothing extra.
 */
export async function withTokenizingProgress<T>(
  context: CommandContext,
  app: AppServices,
  work: () => Promise<T>,
): Promise<T> {
  let bar: ProgressBar | undefined;
  const unsubscribe = app.events.subscribe((event, payload) => {
    if (event !== 'datasets.importProgress') return;
    const p = payload as { phase: string; done: number; total: number | null };
    if (p.phase !== 'tokenizing') return;
    bar ??= context.progress('Tokenizing', p.total);
    bar.update(p.done, p.total);
  });
  try {
    return await work();
  } finally {
    unsubscribe();
    bar?.finish();
  }
}

const rangeText = ({ min, max }: { readonly min: number; readonly max: number }): string =>
  `${min} to ${max.toLocaleString('en-US')}`;

/** Where `--text-file -` reads from; tests put a stream of their own here. */
export const maskInput: { stdin: NodeJS.ReadableStream } = { stdin: process.stdin };

/** The contract's bound on typed text (what the Masking screen may send), in UTF-16 units. */
function maxTextChars(): number {
  const max = maskingCalls.preview.args.shape.text.unwrap().maxLength;
  if (max === null) throw new Error('The masking contract sets no bound on the text');
  return max;
}

/** Text read by --text-file: at most 3 UTF-8 bytes per UTF-16 unit of the contract's bound. */
const TEXT_FILE: TextInputKind = {
  noun: 'text',
  fileOption: '--text-file',
  maxBytes: 3 * maxTextChars(),
  limitReason: `a text to mask can be at most ${maxTextChars().toLocaleString('en-US')} characters (and one example masks only its first tokens)`,
};

/** The text to preview and the notes on how a file's was read (none for --text and --dataset). */
interface TextGiven {
  readonly text: string | undefined;
  readonly notes: readonly string[];
}

/**
 * The text of --text-file FILE, or standard input for `-`: decoded as import decodes a text
 * file, one final line break removed (as `fill --prompt-file` drops it).
 */
async function readTextFile(context: CommandContext, path: string): Promise<TextGiven> {
  const { bytes, source } = await readTextInput(path, TEXT_FILE, { stdin: maskInput.stdin, signal: context.signal });
  const { text, notes } = await maskingTextFromBytes(bytes, source);
  return { text: withoutFinalLineBreak(text), notes };
}

/**
 * The typed text, read once every flag has been checked: --text T as given, --text-file FILE
 * read; a --dataset preview has none. Exactly one of the three is given.
 */
function textOption(context: CommandContext): () => Promise<TextGiven> {
  const text = context.string('text');
  const file = context.string('text-file');
  const given = [context.string('dataset'), text, file].filter((value) => value !== undefined).length;
  if (given !== 1) throw new UsageError('mask needs exactly one of --dataset ID, --text T or --text-file FILE');
  return () => (file === undefined ? Promise.resolve({ text, notes: [] }) : readTextFile(context, file));
}

const MODES = ['auto', 'packed', 'per-document'] as const;

function modeOption(raw: string | undefined, isDataset: boolean): (typeof MODES)[number] | undefined {
  if (raw !== undefined && !isDataset)
    throw new UsageError('--mode applies to --dataset previews (typed text is one document)');
  return choiceOption('mode', raw, MODES);
}

/** --example N, counted from 1 as the Example line shows it: the contract's index (from 0), if given. */
function exampleOption(context: CommandContext, isDataset: boolean): number | undefined {
  const example = context.integer('example', { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (example !== undefined && !isDataset)
    throw new UsageError('--example applies to --dataset previews (typed text is the one example)');
  return example === undefined ? undefined : indexOfShown(example);
}

export const maskCommand = defineCommand({
  name: 'mask',
  summary: 'Preview span-corruption masking of a text or a dataset example',
  usage:
    'spanfill mask (--dataset ID | --text T | --text-file FILE) [--model DIR|ID|bytes] [--density D] [--span S] [--length L] [--seed N] [--example N] [--mode M]',
  description:
    'Noise spans are shown as [k: text]: the model input has <extra_id_k> there and the target gives the text.\n' +
    `Defaults, a training run's: --density ${MASKING_DEFAULTS.noiseDensity} --span ${MASKING_DEFAULTS.meanSpanLength} ` +
    `--length ${MASKING_DEFAULTS.inputLength} --seed ${MASKING_DEFAULTS.seed} --model ${BYTE_TOKENIZER_NAME}. ` +
    `--model ${BYTE_TOKENIZER_NAME} uses the byte-level tokenizer (builtin:byt5-tiny's); a model id (\`spanfill models list\`), a pulled OWNER/NAME or a model folder uses that model's.\n` +
    'A long text cannot be passed as an argument (Linux allows 128 KiB): use --text-file FILE, or --text-file - to read ' +
    'standard input; it is decoded as import decodes a text file (notes say what import would warn of: a legacy code page, bytes replaced, a cut-short UTF-16 file), and one final line break is dropped.',
  options: {
    dataset: { type: 'string', placeholder: 'ID', description: 'Preview an example of this dataset (id or name)' },
    text: { type: 'string', placeholder: 'T', description: 'Preview this text' },
    'text-file': {
      type: 'string',
      placeholder: 'FILE',
      description: 'Preview the text of FILE (- for standard input)',
    },
    model: {
      type: 'string',
      placeholder: 'DIR',
      description: `Model folder with tokenizer.json, a model id or pulled OWNER/NAME, or ${BYTE_TOKENIZER_NAME} (default)`,
    },
    density: {
      type: 'string',
      placeholder: 'D',
      description: `Noise density: the share of tokens masked, ${rangeText(MASKING_BOUNDS.noiseDensity)}`,
    },
    span: {
      type: 'string',
      placeholder: 'S',
      description: `Mean noise span length in tokens, ${rangeText(MASKING_BOUNDS.meanSpanLength)}`,
    },
    length: {
      type: 'string',
      placeholder: 'L',
      description: `Encoder input length after masking, ${rangeText(MASKING_BOUNDS.inputLength)}`,
    },
    seed: {
      type: 'string',
      placeholder: 'N',
      description:
        'Seed: a new one re-rolls the mask; a --dataset example is masked as `spanfill train --data-seed N` masks it in its first pass',
    },
    example: {
      type: 'string',
      placeholder: 'N',
      description:
        "Dataset example number, counting from 1 as the Example line shows it (default: picked by the seed; --json's example.index counts from 0)",
    },
    mode: {
      type: 'string',
      placeholder: 'M',
      description: 'Dataset examples: auto (default), packed or per-document',
    },
  },
  async run(context) {
    const readText = textOption(context);
    const datasetId = datasetFlag(context);
    const model = fullModelReference(context.string('model') ?? BYTE_TOKENIZER_NAME);
    const flags = {
      datasetId,
      model,
      noiseDensity: context.number('density', MASKING_BOUNDS.noiseDensity) ?? MASKING_DEFAULTS.noiseDensity,
      meanNoiseSpanLength: context.number('span', MASKING_BOUNDS.meanSpanLength) ?? MASKING_DEFAULTS.meanSpanLength,
      inputLength: context.integer('length', MASKING_BOUNDS.inputLength) ?? MASKING_DEFAULTS.inputLength,
      seed: context.integer('seed', MASKING_BOUNDS.seed) ?? MASKING_DEFAULTS.seed,
      example: exampleOption(context, datasetId !== undefined),
      mode: modeOption(context.string('mode'), datasetId !== undefined),
    };
    const { text, notes } = await readText();
    const app = context.app();
    const preview = await withTokenizingProgress(context, app, () =>
      previewMasking(app, { ...flags, text }, context.signal),
    );
    // How the file was read comes first: it explains what the preview then shows.
    return { ...preview, messages: [...notes, ...preview.messages] };
  },
  render(result) {
    return renderPreview(result as MaskingPreviewResult);
  },
});

export function renderPreview(p: MaskingPreviewResult): string {
  const marked = p.segments.map((s) => (s.isNoise ? `[${s.sentinel.replace(/\D/g, '')}: ${s.text}]` : s.text)).join('');
  const pairs: [string, string][] = [
    ['Text', marked],
    ['Input', p.inputText],
    ['Target', p.targetText],
    ['Tokens', maskingCountsText(p.counts)],
    ['Lengths', maskingLengthsText(p.lengths)],
    ['Tokenizer', `${p.tokenizer}, seed ${p.seed}`],
  ];
  if (p.example) pairs.push(['Example', `${shownNumber(p.example.index)} of ${p.example.count} (${p.example.mode})`]);
  return [formatPairs(pairs), ...p.messages.map((m) => `  note: ${m}`)].join('\n');
}
