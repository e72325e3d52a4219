// Playground domain: ask a T5 model to fill the <extra_id_N> holes of a prompt, and score a
// model on a case file (loss, gradient norms, a greedy decode) to check it against a
// reference. Backs `spanfill fill`, `spanfill score` and the Playground screen; the service
// is src/main/services/playground.ts, the work runs in the engine host
// (host/handlers/playground.ts → engine/t5/fill.ts and engine/t5/case.ts).

import { z } from 'zod';
import { call } from './define';

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);

/** How to decode; the same shapes as the engine's DecodingStrategy. */
export const decodingStrategySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('greedy') }),
  z.strictObject({
    kind: z.literal('beam'),
    numBeams: z.number().int().min(1).max(64),
    /** Finished scores are Σlogp / generated_len^lengthPenalty (HF default 1). */
    lengthPenalty: z.number().optional(),
    earlyStopping: z.union([z.boolean(), z.literal('never')]).optional(),
  }),
  z.strictObject({
    kind: z.literal('sample'),
    temperature: z.number().min(1e-4).max(100).optional(),
    /** Keep the k most likely tokens (0 = off). */
    topK: z.number().int().min(0).max(1_000_000).optional(),
    /** Keep the smallest set whose probability reaches topP (1 = off). */
    topP: z.number().min(1e-6).max(1).optional(),
    seed,
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
  /** What the model put there (trimmed). */
  readonly text: string;
  /** Character range of the span in `text` of the result. */
  readonly start: number;
  readonly end: number;
  /** The output had no text for this sentinel (the hole is left empty). */
  readonly isMissing: boolean;
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
}

/** Field names as in the fixtures' case.json and `spanfill score --json`. */
export interface PlaygroundScoreResult {
  readonly loss: number;
  readonly grad_norms: Readonly<Record<string, number>>;
  readonly greedy: readonly number[];
}

export const playgroundCalls = {
  /** Fill the <extra_id_N> holes of `prompt` with the model in `modelDir` (with tokenizer.json). */
  fill: call<PlaygroundFillResult>()(
    z.strictObject({
      modelDir: z.string().min(1),
      prompt: z
        .string()
        .max(
          maxPromptChars,
          `prompt is over ${maxPromptChars.toLocaleString('en-US')} characters; no model takes that much`,
        ),
      strategy: decodingStrategySchema.default({ kind: 'greedy' }),
      maxNewTokens: z.number().int().min(1).max(512).default(32),
    }),
  ),
  /** Loss and gradient norms (dropout off) and a greedy decode of `case`, a case file (JSON). */
  score: call<PlaygroundScoreResult>()(
    z.strictObject({
      modelDir: z.string().min(1),
      case: z.string().min(1),
    }),
  ),
};

/** What the playground service and the engine host receive, after the schema's defaults. */
export type PlaygroundFillRequest = z.output<typeof playgroundCalls.fill.args>;
export type PlaygroundScoreRequest = z.output<typeof playgroundCalls.score.args>;
