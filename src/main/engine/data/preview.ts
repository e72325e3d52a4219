// The masking preview: what the model will be asked to fill in, for typed text or one
// planned dataset example. Segments of the original text marked noise or kept, each with
// the sentinel that stands for it, plus the model's input and target text, token counts
// and the computed lengths. Re-roll = the same call with another seed.
// Not UI: plain data for the renderer and the CLI.
import { maskedExample, type ExamplePlan } from './examples';
import { Rng } from '../rng';
import {
  applyNoiseMask,
  checkedSpanLengths,
  checkSentinelBudget,
  countRuns,
  maskedLengthsFor,
  maxNoiseSpans,
  MIN_MASKED_TOKENS,
  randomSpansNoiseMask,
  type FittedSpanLengths,
} from './spanCorruption';
import { encodeForTraining, LITERAL_SPECIAL_TEXT, type TextTokenizer } from './tokenizer';
import type { TokenSource } from './tokenSource';
import { plural } from '../../../shared/format';
import { datasetTokenNotes, droppedSpecialTokensNote, unknownTokensNote } from '../../../shared/tokenNotes';
import { DataError } from './errors';
import { countUnknownTokens } from './unknownTokens';

export interface PreviewSettings {
  readonly inputLength: number;
  readonly noiseDensity: number;
  readonly meanNoiseSpanLength: number;
  readonly seed: number;
}

/**
 * Typed text's settings: an input length, or 'text' to mask the whole text at its own length
 * (the Playground's "mask a text for me", which makes a prompt, not a training example).
 */
export type TextPreviewSettings = Omit<PreviewSettings, 'inputLength'> & { readonly inputLength: number | 'text' };

export interface PreviewSegment {
  /** The original text of this run of tokens. */
  readonly text: string;
  readonly isNoise: boolean;
  /** Noise: replaced by this sentinel in the input. Kept: stands for it in the target. */
  readonly sentinel: string;
  readonly sentinelId: number;
  readonly tokenCount: number;
  /**
   * Where in `text` each end-of-document token (the EOS after each document: packed examples
   * join documents with it, typed text and per-document examples end with it) begins, in UTF-16
   * code units, in order. Found by token id, so text that only reads like one (a literal "</s>"
   * kept as bytes by a byte-level tokenizer) is not listed.
   */
  readonly documentEnds: number[];
}

export interface MaskingPreview {
  readonly segments: PreviewSegment[];
  readonly inputText: string;
  readonly targetText: string;
  readonly inputIds: number[];
  readonly labels: number[];
  readonly counts: {
    /** Tokens in the text (or example) before truncation to one example. */
    readonly textTokens: number;
    readonly maskedTokens: number;
    readonly noiseTokens: number;
    readonly noiseSpans: number;
    readonly inputTokens: number;
    readonly targetTokens: number;
  };
  readonly lengths: FittedSpanLengths;
  readonly droppedSpecialTokens: number;
  readonly isTruncated: boolean;
  readonly seed: number;
  readonly messages: string[];
}

const REPLACEMENT = /\uFFFD/g;

function replacements(text: string): number {
  return text.match(REPLACEMENT)?.length ?? 0;
}

/**
 * Whether a cut before `tokens[at]` falls inside a character: a byte-level tokenizer (ByT5)
 * masks bytes, and a character's pieces then decode to U+FFFD (�) on each side. Decoding the
 * two sides apart gives more �s than decoding them together exactly then (a cut between
 * whole characters, or between bytes that were not valid UTF-8 anyway, changes nothing).
 */
function isSplitCut(tokenizer: TextTokenizer, tokens: number[], at: number, inWhole: number): boolean {
  const apart = replacements(tokenizer.decode(tokens.slice(0, at))) + replacements(tokenizer.decode(tokens.slice(at)));
  return apart > inWhole;
}

/**
 * Text of `tokens[start, …)` up to any end. Decoded in context (the text before it, then
 * sliced off) so a leading space survives; when a cut at either end falls inside a character,
 * decoded alone instead, as the model input and target show it: in context both prefixes
 * would end in the same � and a one-byte piece would read as nothing.
 */
function segmentDecoder(
  tokenizer: TextTokenizer,
  tokens: number[],
  start: number,
  isAlone: boolean,
): (end: number) => string {
  const before = isAlone ? '' : tokenizer.decode(tokens.slice(0, start));
  return (end) => {
    if (isAlone) return tokenizer.decode(tokens.slice(start, end));
    const through = tokenizer.decode(tokens.slice(0, end));
    return through.startsWith(before) ? through.slice(before.length) : tokenizer.decode(tokens.slice(start, end));
  };
}

/** Offsets in the segment's text (`text` of it) at which its EOS tokens begin. */
function documentEndOffsets(
  text: (end: number) => string,
  eosId: number,
  tokens: number[],
  start: number,
  end: number,
): number[] {
  const offsets: number[] = [];
  for (let i = start; i < end; i++) if (tokens[i] === eosId) offsets.push(text(i).length);
  return offsets;
}

interface Segments {
  readonly segments: PreviewSegment[];
  /** Whether some segment boundary falls inside a character (see isSplitCut). */
  readonly hasSplitCharacters: boolean;
}

function buildSegments(tokenizer: TextTokenizer, tokens: number[], mask: Uint8Array): Segments {
  const segments: PreviewSegment[] = [];
  const inWhole = replacements(tokenizer.decode(tokens));
  const runs = [0, 0]; // runs seen so far of kept (0) and noise (1) tokens
  let isStartSplit = false;
  let hasSplitCharacters = false;
  for (let start = 0; start < tokens.length;) {
    const isNoise = mask[start] === 1;
    let end = start + 1;
    while (end < tokens.length && mask[end] === mask[start]) end++;
    const isEndSplit = end < tokens.length && isSplitCut(tokenizer, tokens, end, inWhole);
    hasSplitCharacters ||= isEndSplit;
    const text = segmentDecoder(tokenizer, tokens, start, isStartSplit || isEndSplit);
    const k = runs[mask[start]]++;
    segments.push({
      text: text(end),
      isNoise,
      sentinel: `<extra_id_${k}>`,
      sentinelId: tokenizer.sentinelId(k),
      tokenCount: end - start,
      documentEnds: documentEndOffsets(text, tokenizer.eosId, tokens, start, end),
    });
    isStartSplit = isEndSplit;
    start = end;
  }
  return { segments, hasSplitCharacters };
}

function assemble(
  tokenizer: TextTokenizer,
  tokens: number[],
  mask: Uint8Array,
  lengths: FittedSpanLengths,
  extra: { textTokens: number; droppedSpecialTokens: number; isTruncated: boolean; seed: number; messages: string[] },
): MaskingPreview {
  const { inputIds, labels } = applyNoiseMask(tokens, mask, (k) => tokenizer.sentinelId(k), tokenizer.eosId);
  const noiseTokens = mask.reduce((a, b) => a + b, 0);
  const noiseSpans = countRuns(mask, 1);
  const sameForEverySeed = seedIndependence(tokens.length, noiseTokens, noiseSpans);
  const { segments, hasSplitCharacters } = buildSegments(tokenizer, tokens, mask);
  const split = hasSplitCharacters ? SPLIT_CHARACTERS_NOTE : null;
  const notes = [sameForEverySeed, split].filter((note): note is string => note !== null);
  return {
    segments,
    inputText: tokenizer.decode(inputIds),
    targetText: tokenizer.decode(labels),
    inputIds,
    labels,
    counts: {
      textTokens: extra.textTokens,
      maskedTokens: tokens.length,
      noiseTokens,
      noiseSpans,
      inputTokens: inputIds.length,
      targetTokens: labels.length,
    },
    lengths,
    droppedSpecialTokens: extra.droppedSpecialTokens,
    isTruncated: extra.isTruncated,
    seed: extra.seed,
    messages: [...extra.messages, ...notes],
  };
}

/**
 * A byte-level tokenizer (ByT5) masks bytes, so a span can hold part of a character of
 * several bytes; each piece then decodes to U+FFFD (�) on its own.
 */
const SPLIT_CHARACTERS_NOTE =
  'Some spans begin or end inside a character of more than one byte: the pieces show as �. A byte-level ' +
  'tokenizer masks bytes, not characters, and the model learns to write the missing bytes; the text itself is intact.';

/**
 * Says when no seed can change the mask, or null. The noise and the kept tokens are each cut
 * into `spans` runs at random, spans alternating kept, noise, kept, … and starting with kept
 * (HF random_spans_noise_mask); with one noise span, or every run one token long, there is
 * only one way to cut, so Re-roll shows the same mask (T5's random_roll option exists for this;
 * training here follows HF, which does not roll).
 */
function seedIndependence(length: number, noiseTokens: number, spans: number): string | null {
  const kept = length - noiseTokens;
  if (spans === 1) {
    return (
      `Every seed gives this same mask: ${length} tokens at this noise density make one noise span of ${noiseTokens} ` +
      'token(s), and span corruption (as in HF run_t5_mlm_flax) always puts a lone span at the end. For masks that vary, ' +
      `use ${orList(moreSpans(noiseTokens, kept))}.`
    );
  }
  if (noiseTokens === spans && kept === spans) {
    return `Every seed gives this same mask: ${length} tokens at these settings alternate one kept and one noise token.`;
  }
  return null;
}

/**
 * What gives more than one span, in words. The spans number round(min(noise, kept) / mean
 * span) (HF random_spans_noise_mask): more tokens raise both counts; a density nearer 0.5
 * raises the smaller; a shorter mean span helps only while the smaller count is 2 or more
 * (a mean span is at least 1, and round(1 / 1) is 1).
 */
function moreSpans(noiseTokens: number, kept: number): string[] {
  return [
    'a longer text or input length',
    noiseTokens <= kept ? 'a higher noise density' : 'a lower noise density',
    ...(Math.min(noiseTokens, kept) >= 2 ? ['a shorter mean span'] : []),
  ];
}

/** "a, b or c". */
function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** Pieces of special-token text that `tokens` spell in ordinary ids, decoded between the ids that are special. */
function literalSpecialPieces(tokenizer: TextTokenizer, tokens: readonly number[]): number {
  const isSpecial = (id: number): boolean => tokenizer.isReservedId(id) || id === tokenizer.unkId;
  let pieces = 0;
  for (let start = 0, end = 0; start < tokens.length; start = end + 1) {
    end = start;
    while (end < tokens.length && !isSpecial(tokens[end])) end++;
    if (end > start) pieces += tokenizer.decode(tokens.slice(start, end)).match(LITERAL_SPECIAL_TEXT)?.length ?? 0;
  }
  return pieces;
}

/**
 * Says when `tokens` (of typed text, or a dataset example: `subject`) hold special-token text
 * that the tokenizer keeps as text, or null. A tokenizer that maps "</s>" to its id has it
 * dropped (droppedSpecialTokensNote); a byte-level one (ByT5) encodes the characters, so the preview shows
 * what reads like a sentinel or an end mark but is text the model is asked to write like any
 * other. Read from the ids, so the EOS that joins packed documents is not counted.
 */
function keptLiteralNote(
  tokenizer: TextTokenizer,
  tokens: readonly number[],
  subject: 'The text' | 'This example',
): string | null {
  const kept = literalSpecialPieces(tokenizer, tokens);
  if (kept === 0) return null;
  return (
    `${subject} holds ${plural(kept, 'piece')} of special-token text such as <extra_id_0> or </s> that the ` +
    `${tokenizer.name} tokenizer keeps as plain characters: they are masked like the rest of the text, though in the ` +
    'input and target they look like the sentinels and end mark span corruption adds'
  );
}

/** Why typed text of no tokens (all of them literal special tokens, removed) cannot be masked. */
function noTokensError(dropped: number, endMark: string): DataError {
  const removed =
    dropped > 0
      ? ` once its ${plural(dropped, 'literal special token')} such as </s> ${dropped === 1 ? 'is' : 'are'} removed`
      : '';
  // Bad text, not bad settings: a DataError, which the services pass on as invalid input.
  return new DataError(
    'no-text',
    `The text has no tokens${removed}, only the end mark ${endMark} added after it; masking needs at least ${MIN_MASKED_TOKENS}`,
  );
}

/**
 * The lengths of a mask over all `tokens` of a text, refusing settings that need more
 * sentinels than the tokenizer has in the words of the settings a whole text is masked with
 * (there is no input length to lower).
 */
function wholeTextLengths(
  tokens: number,
  settings: { readonly noiseDensity: number; readonly meanNoiseSpanLength: number },
  sentinelCount: number,
): FittedSpanLengths {
  const { noiseDensity, meanNoiseSpanLength } = settings;
  const spans = maxNoiseSpans(tokens, noiseDensity, meanNoiseSpanLength);
  if (sentinelCount > 0 && spans > sentinelCount) {
    throw new RangeError(
      `This text at these settings makes ${spans} noise spans but the tokenizer has only ${sentinelCount} sentinel ` +
        `tokens (<extra_id_0>…<extra_id_${sentinelCount - 1}>); lower the noise density, raise the mean span length ` +
        'or mask a shorter text',
    );
  }
  checkSentinelBudget(tokens, noiseDensity, meanNoiseSpanLength, sentinelCount); // none at all: the folder is at fault
  const masked = maskedLengthsFor(tokens, noiseDensity, meanNoiseSpanLength);
  return { tokensLength: tokens, inputLength: masked.input, targetLength: masked.target, note: null };
}

/**
 * Masks typed text as one per-document example would be masked: its tokens and the EOS after
 * them, as HF's pipeline masks a text (the tokenizer appends EOS) and the seed notebook's
 * get_denoised does; a mask always ends in noise, so the EOS is hidden and the target ends in two.
 */
export function previewText(tokenizer: TextTokenizer, text: string, settings: TextPreviewSettings): MaskingPreview {
  const { inputLength } = settings;
  const fitted =
    inputLength === 'text' ? null : checkedSpanLengths({ ...settings, inputLength }, tokenizer.sentinelCount);
  const { ids, droppedSpecialTokens } = encodeForTraining(tokenizer, text);
  const document = [...ids, tokenizer.eosId];
  const lengths = fitted ?? wholeTextLengths(document.length, settings, tokenizer.sentinelCount);
  const endMark = tokenizer.decode([tokenizer.eosId]);
  const messages: string[] = lengths.note === null ? [] : [lengths.note];
  if (droppedSpecialTokens > 0) messages.push(droppedSpecialTokensNote(droppedSpecialTokens, 'the text'));
  const unknown = countUnknownTokens(tokenizer, text, ids);
  const where = { tokens: ids.length, tokenizer: tokenizer.name, where: 'the text' };
  const unknownNote = unknown === null ? null : unknownTokensNote(unknown, where);
  if (unknownNote !== null) messages.push(unknownNote);
  const keptLiteral = keptLiteralNote(tokenizer, ids, 'The text');
  if (keptLiteral !== null) messages.push(keptLiteral);
  if (document.length < MIN_MASKED_TOKENS) throw noTokensError(droppedSpecialTokens, endMark);
  const counted = `${plural(document.length, 'token')}, counting the end mark ${endMark}`;
  if (document.length < 4) messages.push(`Only ${counted}: the mask is a single noise span`);
  const isTruncated = document.length > lengths.tokensLength;
  if (isTruncated) {
    messages.push(
      `The text has ${counted}; one example uses the first ${lengths.tokensLength} (the raw length for input length ${lengths.inputLength})`,
    );
  }
  const tokens = document.slice(0, lengths.tokensLength);
  const mask = randomSpansNoiseMask(
    tokens.length,
    settings.noiseDensity,
    settings.meanNoiseSpanLength,
    Rng.fromWords(settings.seed),
  );
  return assemble(tokenizer, tokens, mask, lengths, {
    textTokens: document.length,
    droppedSpecialTokens,
    isTruncated,
    seed: settings.seed,
    messages,
  });
}

/** What tokenizing the whole dataset counted (its token cache and stats keep it: TokenizeResult). */
export type DatasetTokenCounts = Parameters<typeof datasetTokenNotes>[0];

/**
 * Preview of planned example `index` exactly as training masks it in `epoch`, with the notes on
 * what tokenizing the whole `dataset` did (literal special tokens removed, tokens that became <unk>).
 */
export function previewExample(
  plan: ExamplePlan,
  source: TokenSource,
  tokenizer: TextTokenizer,
  at: { readonly index: number; readonly epoch: number; readonly dataset: DatasetTokenCounts },
): MaskingPreview {
  const m = maskedExample(plan, source, tokenizer, at.index, at.epoch);
  const tokens = Array.from(m.tokens);
  const keptLiteral = keptLiteralNote(tokenizer, tokens, 'This example');
  return assemble(tokenizer, tokens, m.noiseMask, plan.lengths, {
    textTokens: tokens.length,
    droppedSpecialTokens: at.dataset.droppedSpecialTokens,
    isTruncated: false,
    seed: plan.settings.seed,
    messages: [...plan.messages, ...datasetTokenNotes(at.dataset), ...(keptLiteral === null ? [] : [keptLiteral])],
  });
}
