// Prompt editing for the Playground, as plain functions (no DOM, tested under Node): insert
// the next <extra_id_N> hole at the cursor with every hole renumbered left to right (T5 reads
// them in order: the first hole is <extra_id_0>), build a prompt from a masking preview's
// segments, say which filled spans came back exactly, and show each one (a fill of spaces only
// too). The sentinel spelling is T5's (https://huggingface.co/docs/transformers/model_doc/t5,
// "Training").

import type { MaskingPreviewSegment } from '../../../shared/contract/masking';
import type { PlaygroundFilledSpan, PlaygroundFillResult } from '../../../shared/contract/playground';
import { withoutDocumentEnds } from '../../../shared/documentEnds';

const sentinelPattern = /<extra_id_(\d+)>/g;

export const sentinel = (n: number): string => `<extra_id_${n}>`;

/** Every hole renumbered in reading order: <extra_id_0>, <extra_id_1>, … */
export function renumberHoles(text: string): string {
  let next = 0;
  return text.replace(sentinelPattern, () => sentinel(next++));
}

/**
 * Replaces the selection [start, end) with a hole, numbered by its place among the holes, and
 * renumbers the holes after it. Returns the new text and the cursor just after the new hole.
 * A sentinel is never split: a selection starting inside one starts after it, one ending
 * inside one ends before it (a cursor inside one puts the hole after it).
 */
export function insertHole(text: string, selStart: number, selEnd: number): { text: string; cursor: number } {
  const start = outsideSentinel(text, selStart, 'after');
  const end = Math.max(start, outsideSentinel(text, selEnd, 'before'));
  const before = text.slice(0, start);
  const holesBefore = [...before.matchAll(sentinelPattern)].length;
  const inserted = sentinel(holesBefore);
  return { text: renumberHoles(before + inserted + text.slice(end)), cursor: start + inserted.length };
}

/** `at`, or the edge of the sentinel it falls strictly inside (its start or its end). */
function outsideSentinel(text: string, at: number, edge: 'before' | 'after'): number {
  for (const match of text.matchAll(sentinelPattern)) {
    const [from, to] = [match.index, match.index + match[0].length];
    if (from < at && at < to) return edge === 'before' ? from : to;
  }
  return at;
}

export interface MaskedPrompt {
  readonly prompt: string;
  /** What each hole hid, by sentinel number. */
  readonly expected: ReadonlyMap<number, string>;
}

/** A masking preview of typed text as a fill prompt: each noise span becomes its sentinel. */
export function promptFromSegments(segments: readonly MaskingPreviewSegment[]): MaskedPrompt {
  const expected = new Map<number, string>();
  let prompt = '';
  for (const segment of segments) {
    if (!segment.isNoise) {
      prompt += segment.text;
      continue;
    }
    const n = Number(/^<extra_id_(\d+)>$/.exec(segment.sentinel)?.[1] ?? expected.size);
    // What the model should write there: the text, not the end of the document it hides.
    expected.set(n, withoutDocumentEnds(segment.text, segment.documentEnds));
    prompt += segment.sentinel;
  }
  return { prompt, expected };
}

/** Spaces do not count: the engine trims a fill beside the prompt's own spaces, and tokenizers differ in spacing. */
const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim();

export type SpanVerdict = { readonly isExact: true } | { readonly isExact: false; readonly expected: string };

/** Whether a filled span is what the hole hid; undefined when nothing was hidden there (a typed prompt). */
export function judgeSpan(span: PlaygroundFilledSpan, expected: ReadonlyMap<number, string>): SpanVerdict | undefined {
  const hidden = expected.get(span.sentinel);
  if (hidden === undefined) return undefined;
  return normalise(hidden) === normalise(span.text) ? { isExact: true } : { isExact: false, expected: hidden };
}

const VISIBLE_BLANKS: Readonly<Record<string, string>> = { ' ': '␣', '\t': '⇥', '\n': '↵', '\r': '' };

/**
 * A filled span as shown: one made only of blanks (a byte model's fill of " ") shows them as ␣,
 * ⇥ and ↵, so it does not look like an empty one, which says "(nothing)", or "(cut off)" when
 * the new-token limit ended it (`isCutShort`: said in words, not by its colour alone), or
 * "(spaces only)" when the model wrote only blanks that the prompt's own beside the hole stand
 * for (the engine's isBlankOnly). A line end in any fill shows as ↵: a fill sits inline, and one
 * starting with a newline would break the line.
 */
export function shownFill(text: string, span?: Pick<PlaygroundFilledSpan, 'isBlankOnly'>, isCutShort = false): string {
  if (text === '' && span?.isBlankOnly === true) return '(spaces only)';
  if (text === '') return isCutShort ? '(cut off)' : '(nothing)';
  if (/\S/.test(text)) return text.replace(/\r?\n|\r/g, '↵');
  return [...text].map((c) => VISIBLE_BLANKS[c] ?? '␣').join('');
}

/**
 * Whether the new-token limit ended hole `span` of `result`: the span being written when
 * generation stopped (isCutOff), or one with no output after every span written, which the
 * model had not reached (a hole it skipped before a later one it wrote is not).
 */
export function isCutShort(
  span: PlaygroundFilledSpan,
  result: Pick<PlaygroundFillResult, 'spans' | 'stoppedAtTokenLimit'>,
): boolean {
  if (span.isCutOff) return true;
  if (!span.isMissing || result.stoppedAtTokenLimit === null) return false;
  return !result.spans.some((other) => !other.isMissing && other.sentinel > span.sentinel);
}

/** What a hole hid, quoted and marked as fills are (shownFill), so "t, t" reads as one text and " " shows. */
export function shownHidden(text: string): string {
  return `“${text === '' ? '' : shownFill(text)}”`;
}

export interface ResultPiece {
  readonly text: string;
  readonly span?: PlaygroundFilledSpan;
}

/** The filled text cut into plain pieces and filled spans, in order, for highlighting in place. */
export function piecesOf(text: string, spans: readonly PlaygroundFilledSpan[]): ResultPiece[] {
  const pieces: ResultPiece[] = [];
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start > at) pieces.push({ text: text.slice(at, span.start) });
    pieces.push({ text: text.slice(span.start, span.end), span });
    at = Math.max(at, span.end);
  }
  if (at < text.length) pieces.push({ text: text.slice(at) });
  return pieces;
}
