// What tokenizing did to a person's text, worded once for every place that says it: the
// masking preview (CLI and Masking screen), `datasets show` and the Datasets screen, and a
// run's notices when it starts. Literal special tokens removed from the text, and text the
// tokenizer's vocabulary cannot represent, which became <unk>. Counting is in engine/data.
import type { TokenizeResult, UnknownTokenCount } from './contract/datasets';
import { plural } from './format';

/** How many characters that became <unk> a note names (and the engine looks for). */
export const UNKNOWN_CHARACTERS_SHOWN = 8;

/** Literal special tokens removed from `where` ("the text", "the dataset's text"). */
export function droppedSpecialTokensNote(count: number, where: string): string {
  return (
    `Removed ${plural(count, 'literal special token')} such as </s> or <extra_id_0> from ${where}: ` +
    'they would collide with the sentinels and end-of-sequence marks span corruption adds'
  );
}

/** "25%", "2.5%", "0.25%", "under 0.01%": `part` of `whole`, two significant digits. */
function share(part: number, whole: number): string {
  const percent = (100 * part) / Math.max(whole, 1);
  return percent < 0.01 ? 'under 0.01%' : `${Number(percent.toPrecision(2))}%`;
}

/** A character as a note shows it: itself when it is visible alone, else its code point (U+0308). */
export function shownCharacter(character: string): string {
  if (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(character)) return character;
  const code = character.codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Says that `unknown.count` of `of.tokens` tokens in `of.where` became <unk>, naming a few
 * characters that did; null when none did. NOTE: a SentencePiece model without byte fallback
 * (T5's) maps every character outside its vocabulary to <unk> (a run of them to one), so the
 * model is trained to write <unk> there and cannot give the text back.
 */
export function unknownTokensNote(
  unknown: UnknownTokenCount,
  of: { readonly tokens: number; readonly tokenizer: string; readonly where: string },
): string | null {
  if (unknown.count === 0) return null;
  const shown = unknown.characters.slice(0, UNKNOWN_CHARACTERS_SHOWN).map(shownCharacter);
  const characters = shown.length > 0 ? `characters such as ${shown.join(' ')}` : 'some of its characters';
  return (
    `${plural(unknown.count, 'token')} of ${of.tokens.toLocaleString('en')} (${share(unknown.count, of.tokens)}) ` +
    `in ${of.where} became <unk>: the ${of.tokenizer} tokenizer's vocabulary has no piece for ${characters}, ` +
    'so the model learns to write <unk> in their place. A tokenizer whose vocabulary covers them, or the ' +
    'byte-level one (bytes, ByT5), keeps them'
  );
}

/**
 * The notes on a dataset's tokens (TokenizeResult): literal special tokens removed and tokens
 * that became <unk>, over the whole dataset. The same words in `datasets show`, the Datasets
 * screen, a masking preview of one of its examples and a run's notices.
 */
export function datasetTokenNotes(
  t: Pick<TokenizeResult, 'tokens' | 'tokenizer' | 'droppedSpecialTokens' | 'unknownTokens'>,
): string[] {
  const where = "the dataset's text";
  const notes: string[] = [];
  if (t.droppedSpecialTokens > 0) notes.push(droppedSpecialTokensNote(t.droppedSpecialTokens, where));
  const unknown = t.unknownTokens === null ? null : unknownTokensNote(t.unknownTokens, { ...t, where });
  if (unknown !== null) notes.push(unknown);
  return notes;
}
