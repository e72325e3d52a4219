// Playground domain: ask a T5 model to fill the <extra_id_N> holes of a prompt, score a model
// on a case file (loss, gradient norms, a greedy decode) to check it against a reference, and
// stop the caller's fills and scores running (the Playground's Stop). Backs `spanfill fill`, `spanfill
// score` and the Playground screen; the service is src/main/services/playground.ts, the work
// runs in the engine host (host/handlers/playground.ts → engine/t5/fill.ts and
// engine/t5/case.ts). The screen's memory — the prompts filled lately and the screen as it was
// left — is kept in the data directory's store, so it outlives a browser profile and a
// server's port (each launch of `spanfill serve` is another origin) and belongs to the data it
// names.

import { z } from 'zod';
import { maxCallFrameBytes } from '../limits';
import { call } from './define';
import { pathText } from './bounded';
import { plural } from '../format';

/**
 * Decoding settings left out, for `spanfill fill`, the Playground and any other caller alike:
 * sampling as Hugging Face `generate` samples by default (temperature 1, top-k 50, top-p 1:
 * off). numBeams is what the Playground offers when beam search is chosen.
 */
export const DECODING_DEFAULTS = { numBeams: 4, temperature: 1, topK: 50, topP: 1, seed: 0 } as const;

/** The bounds of each decoding setting: the schema below, fill's flags and the Playground's boxes. */
export const DECODING_BOUNDS = {
  numBeams: { min: 1, max: 64 },
  temperature: { min: 1e-4, max: 100 },
  /** 0: off. */
  topK: { min: 0, max: 1_000_000 },
  /** 1: off. */
  topP: { min: 1e-6, max: 1 },
  seed: { min: 0, max: 2 ** 32 - 1 },
} as const;

const { numBeams, temperature, topK, topP, seed } = DECODING_BOUNDS;

/** How to decode; the same shapes as the engine's DecodingStrategy, with DECODING_DEFAULTS filled in. */
export const decodingStrategySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('greedy') }),
  z.strictObject({
    kind: z.literal('beam'),
    numBeams: z.number().int().min(numBeams.min).max(numBeams.max),
    /** Finished scores are Σlogp / generated_len^lengthPenalty (HF default 1). */
    lengthPenalty: z.number().optional(),
    earlyStopping: z.union([z.boolean(), z.literal('never')]).optional(),
  }),
  z.strictObject({
    kind: z.literal('sample'),
    temperature: z.number().min(temperature.min).max(temperature.max).default(DECODING_DEFAULTS.temperature),
    /** Keep the k most likely tokens (0 = off). */
    topK: z.number().int().min(topK.min).max(topK.max).default(DECODING_DEFAULTS.topK),
    /** Keep the smallest set whose probability reaches topP (1 = off). */
    topP: z.number().min(topP.min).max(topP.max).default(DECODING_DEFAULTS.topP),
    seed: z.number().int().min(seed.min).max(seed.max),
  }),
]);

export type DecodingStrategyArgs = z.infer<typeof decodingStrategySchema>;

/**
 * Most UTF-16 units in a fill prompt: far above any prompt a model takes (the engine refuses
 * one over the model's token limit, engine/t5/input-limits.ts, with that limit), yet within
 * the server's frame limit once JSON-escaped (src/shared/limits.ts). Emptiness, holes and the
 * token count are the engine's checks, so the UI and the CLI get the same messages.
 */
export const maxPromptChars = 1_000_000;

export interface PlaygroundFilledSpan {
  /** N of <extra_id_N>. */
  readonly sentinel: number;
  /** What the model put there, trimmed on a side where the prompt has whitespace beside the hole. */
  readonly text: string;
  /** The span's range in `text` of the result, in UTF-16 code units (JavaScript string indices; an emoji counts 2). */
  readonly start: number;
  readonly end: number;
  /** The output had no text for this sentinel (the hole is left empty). */
  readonly isMissing: boolean;
  /**
   * Generation stopped at the new-token limit while the model was writing this span: its text
   * (empty or not) may be cut short, not a complete answer.
   */
  readonly isCutOff: boolean;
  /**
   * The model wrote only blanks here, which the prompt's own beside the hole stand for (`text` is
   * empty): a byte model's " " between two spaces. Not the same as writing nothing.
   */
  readonly isBlankOnly: boolean;
}

export interface PlaygroundFillResult {
  readonly prompt: string;
  /** The decoded target, special tokens included (`<extra_id_0> cute dog <extra_id_1> …`). */
  readonly output: string;
  /** The prompt with its holes filled. */
  readonly text: string;
  /** `text` with each span marked, e.g. "The [[cute dog]] walks". */
  readonly marked: string;
  readonly spans: readonly PlaygroundFilledSpan[];
  /** Decoder start id, the generated ids, EOS when one was produced. */
  readonly ids: readonly number[];
  /** What to know about the prompt's holes: numbered out of the order T5 was trained on, or one number twice. */
  readonly notes: readonly string[];
  /**
   * The new-token limit when generation stopped there before the model wrote </s> (the output
   * may be cut short: see the spans' isCutOff and isMissing, and tokenLimitNote), else null.
   */
  readonly stoppedAtTokenLimit: number | null;
}

/** How many new tokens a fill may generate, and how many it generates unless told. */
export const MAX_NEW_TOKENS = { min: 1, max: 512, default: 32 } as const;

/**
 * What a fill cut off by its new-token limit means, in a sentence, or null when the model
 * finished: which span it stopped in, how many holes got nothing, and how to raise the limit
 * (`setting`: the flag or field that sets it where the result is shown).
 */
export function tokenLimitNote(
  result: Pick<PlaygroundFillResult, 'spans' | 'stoppedAtTokenLimit'>,
  setting: string,
): string | null {
  const limit = result.stoppedAtTokenLimit;
  if (limit === null) return null;
  const cut = result.spans.find((span) => span.isCutOff);
  const missing = new Set(result.spans.filter((span) => span.isMissing).map((span) => span.sentinel)).size;
  const effects = [
    ...(cut === undefined ? [] : [`<extra_id_${cut.sentinel}> was still being written`]),
    ...(missing === 0 ? [] : [`${missing} ${missing === 1 ? 'hole has' : 'holes have'} no output`]),
  ];
  const what = effects.length === 0 ? 'the output may be cut short' : effects.join(' and ');
  const raise =
    limit < MAX_NEW_TOKENS.max
      ? `Raise ${setting} (up to ${MAX_NEW_TOKENS.max}) to let the model finish.`
      : `${MAX_NEW_TOKENS.max} is the most; fill fewer holes at a time.`;
  return `Generation stopped at the limit of ${plural(limit, 'new token')} before the model wrote </s>: ${what}. ${raise}`;
}

/** Field names as in the fixtures' case.json and `spanfill score --json`. */
export interface PlaygroundScoreResult {
  readonly loss: number;
  readonly grad_norms: Readonly<Record<string, number>>;
  readonly greedy: readonly number[];
}

/** Prompts the history keeps, newest first. */
export const playgroundHistoryLimit = 30;
/**
 * The longest prompt the history keeps, in UTF-16 units: the history is for prompts written
 * by hand; a pasted document is left out of it (the screen as it was left still keeps it).
 */
export const maxRememberedPromptChars = 20_000;

const promptText = z
  .string()
  .max(maxPromptChars, `prompt is over ${maxPromptChars.toLocaleString('en-US')} characters; no model takes that much`);
const choiceText = z.string().max(4096);

/** A model the Playground offers, as its picker keeps it (key, what it shows, what resolves it). */
export const playgroundModelChoiceSchema = z.strictObject({
  key: choiceText.min(1),
  label: choiceText,
  detail: choiceText,
  ref: choiceText.min(1),
  source: z.enum(['builtin', 'registered', 'folder', 'checkpoint']),
});
export type PlaygroundModelChoice = z.infer<typeof playgroundModelChoiceSchema>;

/**
 * The most bytes a kept screen takes as JSON (UTF-8): what fits in one WebSocket frame
 * (src/shared/limits.ts) with room for the call around it. A prompt of maxPromptChars fits
 * even when JSON escapes every character (6 bytes each); what can pass the bound is a screen
 * with very many long column entries on top, which is then not kept.
 */
export const maxScreenBytes = maxCallFrameBytes - 1024;

const jsonBytes = (value: unknown): number => new TextEncoder().encode(JSON.stringify(value)).length;

/** The Playground's decoding options when none were kept: greedy, and the defaults above for the rest. */
export const PLAYGROUND_DECODING_DEFAULTS = {
  kind: 'greedy',
  ...DECODING_DEFAULTS,
  maxNewTokens: MAX_NEW_TOKENS.default,
} as const;

const decodingDefault = PLAYGROUND_DECODING_DEFAULTS;
/**
 * The Playground's decoding options as kept (every method's settings, so a switch of method keeps
 * what was typed). NOTE: never refused: a setting that does not hold — cleared or out of bounds
 * as it was typed, or kept by another version — is its default, and so is a missing or unreadable
 * whole, so that the rest of the screen is still kept and read back.
 */
export const playgroundDecodingSchema = z
  .object({
    kind: z.enum(['greedy', 'beam', 'sample']).catch(decodingDefault.kind),
    numBeams: z.number().int().min(numBeams.min).max(numBeams.max).catch(decodingDefault.numBeams),
    temperature: z.number().min(temperature.min).max(temperature.max).catch(decodingDefault.temperature),
    topK: z.number().int().min(topK.min).max(topK.max).catch(decodingDefault.topK),
    topP: z.number().min(topP.min).max(topP.max).catch(decodingDefault.topP),
    seed: z.number().int().min(seed.min).max(seed.max).catch(decodingDefault.seed),
    maxNewTokens: z.number().int().min(MAX_NEW_TOKENS.min).max(MAX_NEW_TOKENS.max).catch(decodingDefault.maxNewTokens),
  })
  .catch(() => ({ ...decodingDefault }));
export type PlaygroundDecoding = z.output<typeof playgroundDecodingSchema>;

/**
 * The Playground as it was left: the prompt, the chosen columns (with the registered models'
 * names), the folders and checkpoints added, and the decoding options (playgroundDecodingSchema:
 * a screen kept before they were is read back with the defaults).
 */
export const playgroundScreenSchema = z
  .strictObject({
    prompt: promptText,
    /** Keys of the chosen models, in column order. */
    selected: z.array(choiceText).max(64),
    folders: z.array(playgroundModelChoiceSchema.extend({ source: z.literal('folder') })).max(64),
    addedCheckpoints: z.array(playgroundModelChoiceSchema.extend({ source: z.literal('checkpoint') })).max(256),
    decoding: playgroundDecodingSchema,
    /**
     * The names of the registered models among `selected`, so that one removed while the app was
     * closed can be named when the screen is read back (none in a screen kept before they were).
     */
    modelNames: z
      .array(z.strictObject({ key: choiceText.min(1), label: choiceText }))
      .max(64)
      .optional(),
  })
  .refine((screen) => jsonBytes(screen) <= maxScreenBytes, {
    message: `the screen is over ${(maxScreenBytes / 2 ** 20).toFixed(1)} MiB as JSON, too large to keep for the next visit: shorten the prompt or take away columns`,
  });
export type PlaygroundScreen = z.infer<typeof playgroundScreenSchema>;

export interface PlaygroundHistory {
  /** The prompts filled lately, newest first, at most playgroundHistoryLimit. */
  readonly history: readonly string[];
}

export interface PlaygroundSaved extends PlaygroundHistory {
  /** The screen as it was last left, or null on a first visit. */
  readonly screen: PlaygroundScreen | null;
}

export interface PlaygroundStopped {
  /** The caller's fills and scores that were running and are cancelled now (0: none was). */
  readonly stopped: number;
}

export const playgroundCalls = {
  /** Fill the <extra_id_N> holes of `prompt` with the model in `modelDir` (with tokenizer.json). */
  fill: call<PlaygroundFillResult>()(
    z.strictObject({
      modelDir: pathText(),
      prompt: promptText,
      strategy: decodingStrategySchema.default({ kind: 'greedy' }),
      maxNewTokens: z.number().int().min(MAX_NEW_TOKENS.min).max(MAX_NEW_TOKENS.max).default(MAX_NEW_TOKENS.default),
    }),
  ),
  /** Loss and gradient norms (dropout off) and a greedy decode of `case`, a case file (JSON). */
  score: call<PlaygroundScoreResult>()(
    z.strictObject({
      modelDir: pathText(),
      case: pathText(),
    }),
  ),
  /**
   * Stops the fills and scores this caller is running now (the Playground's Stop), each of which
   * then fails as cancelled; `stopped`: how many. Only the caller's own: a browser tab's (its
   * connection) or a desktop window's page; another tab's fill on the same server goes on.
   */
  stop: call<PlaygroundStopped>()(z.strictObject({})),
  /** The history and the screen as it was left, as kept in the data directory. */
  saved: call<PlaygroundSaved>()(z.strictObject({})),
  /**
   * Puts a filled prompt at the top of the history (once: an earlier use moves up), dropping
   * the oldest beyond the limit; a blank prompt or one over maxRememberedPromptChars is left out.
   */
  remember: call<PlaygroundHistory>()(z.strictObject({ prompt: promptText })),
  /** Empties the history. */
  forgetHistory: call<PlaygroundHistory>()(z.strictObject({})),
  /** Keeps the screen as it is now, for the next visit (replacing what was kept). */
  keepScreen: call<{ readonly kept: true }>()(z.strictObject({ screen: playgroundScreenSchema })),
};

/** What the playground service and the engine host receive, after the schema's defaults. */
export type PlaygroundFillRequest = z.output<typeof playgroundCalls.fill.args>;
export type PlaygroundScoreRequest = z.output<typeof playgroundCalls.score.args>;
