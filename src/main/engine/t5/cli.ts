// The engine side of `spanfill score` and `spanfill fill`: plain functions that take paths and
// options and return JSON-able objects; the command files in src/main/cli/commands only parse
// flags and print. Case format: test/fixtures/README.md (input_ids, attention_mask, labels,
// optional greedy {input_ids, max_new_tokens}).

import { readFileSync } from 'node:fs';
import { loadHfTokenizer } from '../data/tokenizer';
import type { DecodingStrategy } from '../generation/types';
import { T5Runtime } from './runtime';
import { scoreBatch } from './score';
import type { FilledSpan } from './sentinels';
import { fillSentinels } from './sentinels';
import { loadT5Model } from './weights';

export class CaseFileError extends Error {
  override name = 'CaseFileError';
}

export interface ScoreCase {
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
  readonly labels: number[][];
  readonly greedyInput: number[];
  readonly greedyMaxNewTokens: number;
}

function idRows(json: Record<string, unknown>, key: string, source: string): number[][] {
  const value = json[key];
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((r) => Array.isArray(r) && r.every((x) => Number.isInteger(x)))
  ) {
    throw new CaseFileError(`${source}: "${key}" must be a non-empty array of rows of integer ids`);
  }
  return value as number[][];
}

/** Validate a case file's JSON. Without "attention_mask" every position counts. */
export function parseScoreCase(raw: unknown, source: string): ScoreCase {
  if (typeof raw !== 'object' || raw === null)
    throw new CaseFileError(`${source}: expected a JSON object with input_ids and labels`);
  const json = raw as Record<string, unknown>;
  const inputIds = idRows(json, 'input_ids', source);
  const attentionMask =
    json.attention_mask === undefined ? inputIds.map((r) => r.map(() => 1)) : idRows(json, 'attention_mask', source);
  const labels = idRows(json, 'labels', source);
  const greedy = (json.greedy ?? {}) as { input_ids?: unknown; max_new_tokens?: unknown };
  const greedyRows =
    greedy.input_ids === undefined ? null : idRows(greedy as Record<string, unknown>, 'input_ids', `${source} greedy`);
  const maxNew = greedy.max_new_tokens ?? 20;
  if (!Number.isInteger(maxNew) || (maxNew as number) < 1) {
    throw new CaseFileError(
      `${source}: greedy.max_new_tokens must be a positive integer; got ${JSON.stringify(maxNew)}`,
    );
  }
  const firstRow = inputIds[0].filter((_, t) => attentionMask[0][t] === 1);
  return {
    inputIds,
    attentionMask,
    labels,
    greedyInput: greedyRows ? greedyRows[0] : firstRow,
    greedyMaxNewTokens: maxNew as number,
  };
}

export interface ScoreOutput {
  readonly loss: number;
  readonly grad_norms: Record<string, number>;
  readonly greedy: number[];
}

/** `spanfill score --model DIR --case FILE`: loss and gradient norms (dropout off) and a greedy decode. */
export async function scoreModelCase(modelDir: string, casePath: string): Promise<ScoreOutput> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(casePath, 'utf8'));
  } catch (error) {
    throw new CaseFileError(`Cannot read case file ${casePath}: ${(error as Error).message}`);
  }
  const testCase = parseScoreCase(raw, casePath);
  const { config, weights } = loadT5Model(modelDir);
  const scored = await scoreBatch(config, weights.params, testCase, { withGradients: true });
  const runtime = new T5Runtime(config, weights.params);
  try {
    const { sequences } = await runtime.generate([testCase.greedyInput], {
      strategy: { kind: 'greedy' },
      maxNewTokens: testCase.greedyMaxNewTokens,
    });
    return { loss: scored.loss, grad_norms: { ...scored.gradNorms }, greedy: sequences[0] };
  } finally {
    await runtime.release();
  }
}

export interface FillRequest {
  readonly modelDir: string;
  readonly prompt: string;
  readonly strategy?: DecodingStrategy;
  readonly maxNewTokens?: number;
  readonly signal?: AbortSignal;
}

export interface FillOutput {
  readonly prompt: string;
  /** The decoded target, special tokens included (`<extra_id_0> cute dog <extra_id_1> …`). */
  readonly output: string;
  readonly text: string;
  readonly marked: string;
  readonly spans: FilledSpan[];
  readonly ids: number[];
}

/** `spanfill fill --model DIR "prompt"`: generate for a prompt with <extra_id_N> holes and fill them. */
export async function fillPrompt(request: FillRequest): Promise<FillOutput> {
  const { config, weights } = loadT5Model(request.modelDir);
  const tokenizer = await loadHfTokenizer(request.modelDir);
  const promptIds = [...tokenizer.encode(request.prompt), config.eosTokenId];
  const runtime = new T5Runtime(config, weights.params);
  try {
    const { sequences } = await runtime.generate([promptIds], {
      strategy: request.strategy ?? { kind: 'greedy' },
      maxNewTokens: request.maxNewTokens ?? 32,
      signal: request.signal,
    });
    const ids = sequences[0];
    const output = tokenizer.decode(ids.slice(1));
    return { prompt: request.prompt, output, ...fillSentinels(request.prompt, output), ids };
  } finally {
    await runtime.release();
  }
}

const INPUT_ERROR_NAMES = new Set([
  'T5ConfigError',
  'T5WeightsError',
  'SafetensorsError',
  'CaseFileError',
  'ScoreInputError',
  'GenerationError',
  'T5InferenceSizeError',
  'DataError',
]);

/** True for errors caused by what the person passed (folder, config, case, options), not a bug. */
export function isT5InputError(error: unknown): error is Error {
  return error instanceof Error && INPUT_ERROR_NAMES.has(error.name);
}
