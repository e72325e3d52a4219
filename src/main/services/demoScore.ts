// Scores for `spanfill demo`: how well a model's fills reproduce the words a held-out prompt hid.
// Exact: the span's text equals the true words as written, or both trimmed (a subword
// tokenizer's decode may add or drop a space at a span's edges); a truth that is only
// whitespace must be written as it is, so a model that leaves a hole empty never scores there.
// Characters: 1 − Levenshtein distance / the longer length, per span (trimmed texts, or as written
// for a blank truth), averaged over spans — a softer measure that credits "Presiden" for
// "President". A baseline puts the training text's most common character into every hole, so a
// reader sees how much of a score plain character frequency explains. The distance is
// shared/editDistance.ts.

import { editDistance } from '../../shared/editDistance';

export interface SpanScore {
  readonly isExact: boolean;
  /** 0..1: 1 − edit distance / longer length (1 when both are empty). */
  readonly characters: number;
}

export interface DemoScore {
  readonly exactSpans: number;
  readonly spans: number;
  /** exactSpans / spans (0 without spans). */
  readonly exactRate: number;
  /** Mean character similarity over the spans (0 without spans). */
  readonly characters: number;
}

/** One span: `predicted` (as the model wrote it, untrimmed) is null when the model gave nothing for it. */
export function scoreSpan(truth: string, predicted: string | null): SpanScore {
  if (predicted === null) return { isExact: false, characters: 0 };
  const isBlank = truth.trim() === '';
  const [t, p] = isBlank ? [truth, predicted] : [truth.trim(), predicted.trim()];
  const longer = Math.max(t.length, p.length);
  const characters = longer === 0 ? 1 : 1 - editDistance(t, p) / longer;
  return { isExact: predicted === truth || t === p, characters };
}

export function totalScore(spans: readonly SpanScore[]): DemoScore {
  const exactSpans = spans.filter((s) => s.isExact).length;
  const count = spans.length;
  return {
    exactSpans,
    spans: count,
    exactRate: count === 0 ? 0 : exactSpans / count,
    characters: count === 0 ? 0 : spans.reduce((sum, s) => sum + s.characters, 0) / count,
  };
}

/** The character (code point) that occurs most often in `text`; in a tie, the one that occurs first. */
export function mostCommonCharacter(text: string): string {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let best = '';
  // A Map iterates in insertion order, that is, in order of first occurrence.
  for (const [c, n] of counts) if (n > (counts.get(best) ?? 0)) best = c;
  return best;
}
