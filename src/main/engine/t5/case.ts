// Score cases: a case file (JSON: input_ids, attention_mask and labels as rows of ids, -100
// ignored, optional greedy {input_ids, max_new_tokens}; the format of test/fixtures/t5/*/case.json,
// described in test/fixtures/README.md) checked into a ScoreCase, and scoring a model on one —
// loss and per-parameter gradient norms (dropout off) plus a greedy decode. Backs
// `spanfill score` through the playground service and the engine host.

import { readFileSync } from 'node:fs';
import { loadT5Config } from './config';
import { checkInputLength } from './input-limits';
import { T5Runtime } from './runtime';
import { scoreBatch } from './score';
import { loadT5Weights } from './weights';

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

/** Loss and gradient norms (dropout off) and a greedy decode of the case file at `casePath`. */
export async function scoreModelCase(modelDir: string, casePath: string): Promise<ScoreOutput> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(casePath, 'utf8'));
  } catch (error) {
    throw new CaseFileError(`Cannot read case file ${casePath}: ${(error as Error).message}`);
  }
  const testCase = parseScoreCase(raw, casePath);
  const config = loadT5Config(modelDir);
  // The same length rule as fill and training (input-limits.ts), before any weight is read.
  const rows: [string, readonly number[]][] = [
    ...testCase.inputIds.map((row, i): [string, number[]] => [`input_ids row ${i}`, row]),
    ...testCase.labels.map((row, i): [string, number[]] => [`labels row ${i}`, row]),
    ['greedy.input_ids', testCase.greedyInput],
  ];
  for (const [what, row] of rows) checkInputLength(config, row.length, `${casePath}: ${what}`);
  const weights = loadT5Weights(modelDir, config);
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
