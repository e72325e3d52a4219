// Sentinel-aware rendering of span-corruption outputs: a prompt with `<extra_id_N>` holes and
// a decoded target `<extra_id_0> cute dog <extra_id_1> the <extra_id_2>` become the filled
// text, the same text with each span marked, and the list of spans with character offsets.
// Text only: decoding ids to text is the tokenizer's job (engine/data).

const SENTINEL = /<extra_id_(\d+)>/g;
const DROPPED_TOKENS = /<pad>|<\/s>/g;

export interface FilledSpan {
  readonly sentinel: number; // N of <extra_id_N>
  /** What the model put there, trimmed on a side where the prompt has whitespace beside the hole. */
  readonly text: string;
  /** Range of the span in `FilledText.text`, in UTF-16 code units (JavaScript string indices). */
  readonly start: number;
  readonly end: number;
  /** The output had no text for this sentinel (the hole is left empty). */
  readonly isMissing: boolean;
  /**
   * Generation stopped at its token limit while the model was writing this span: the text
   * (empty or not) may be cut short, not a complete answer.
   */
  readonly isCutOff: boolean;
  /**
   * The model wrote only blanks here, which the prompt's own beside the hole stand for (`text` is
   * empty): a byte model's " " between two spaces. Not the same as writing nothing.
   */
  readonly isBlankOnly: boolean;
}

export interface FilledText {
  readonly text: string;
  /** `text` with each span wrapped in the markers, e.g. "The [[cute dog]] walks". */
  readonly marked: string;
  readonly spans: FilledSpan[];
}

export interface FillOptions {
  readonly open?: string;
  readonly close?: string;
  /** The output stopped at the token limit, not at </s>: its last span was still being written. */
  readonly isOutputCutOff?: boolean;
}

/**
 * Split a decoded target into sentinel → text (the text up to the next sentinel), trimmed
 * unless `trim` is false (a byte model's output is exact, blanks included).
 */
export function parseSpans(output: string, trim = true): Map<number, string> {
  const cleaned = output.replace(DROPPED_TOKENS, '');
  const spans = new Map<number, string>();
  const matches = [...cleaned.matchAll(SENTINEL)];
  matches.forEach((match, i) => {
    const from = (match.index ?? 0) + match[0].length;
    const to = i + 1 < matches.length ? (matches[i + 1].index ?? cleaned.length) : cleaned.length;
    const id = Number(match[1]);
    const text = cleaned.slice(from, to);
    if (!spans.has(id)) spans.set(id, trim ? text.trim() : text);
  });
  return spans;
}

/**
 * N of the last <extra_id_N> in `output` when the text after it is the span parseSpans keeps
 * for N (its first), else undefined: the span an output cut short was writing.
 */
function lastWrittenSentinel(output: string): number | undefined {
  const numbers = [...output.matchAll(SENTINEL)].map((match) => Number(match[1]));
  const last = numbers.at(-1);
  return last !== undefined && numbers.indexOf(last) === numbers.length - 1 ? last : undefined;
}

const BLANK = /\s/;

/**
 * A span fitted to its hole: whitespace the prompt already has beside the hole is not repeated
 * (a SentencePiece decode starts a span with the space of its first word), and where the prompt
 * has none the span is kept as written (a byte-level model writes the space itself: "We" +
 * " " + "the People").
 */
function fitted(span: string, prompt: string, at: number, end: number): string {
  let text = span;
  if (at === 0 || BLANK.test(prompt[at - 1])) text = text.trimStart();
  if (end === prompt.length || BLANK.test(prompt[end])) text = text.trimEnd();
  return text;
}

/** Fill each `<extra_id_N>` of `prompt` with the output's span for N. */
export function fillSentinels(prompt: string, output: string, options: FillOptions = {}): FilledText {
  const open = options.open ?? '[[';
  const close = options.close ?? ']]';
  const outputSpans = parseSpans(output, false);
  const cutOff = options.isOutputCutOff === true ? lastWrittenSentinel(output) : undefined;
  const spans: FilledSpan[] = [];
  let text = '';
  let marked = '';
  let last = 0;
  for (const match of prompt.matchAll(SENTINEL)) {
    const at = match.index ?? 0;
    const between = prompt.slice(last, at);
    text += between;
    marked += between;
    const sentinel = Number(match[1]);
    const written = outputSpans.get(sentinel);
    const fill = written === undefined ? undefined : fitted(written, prompt, at, at + match[0].length);
    spans.push({
      sentinel,
      text: fill ?? '',
      start: text.length,
      end: text.length + (fill ?? '').length,
      isMissing: fill === undefined,
      isCutOff: fill !== undefined && sentinel === cutOff,
      isBlankOnly: fill === '' && written !== '',
    });
    text += fill ?? '';
    marked += `${open}${fill ?? ''}${close}`;
    last = at + match[0].length;
  }
  text += prompt.slice(last);
  marked += prompt.slice(last);
  return { text, marked, spans };
}
