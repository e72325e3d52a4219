// Case files (JSON: input_ids, attention_mask and labels as rows of ids, -100 ignored, optional
// greedy {input_ids (one row), attention_mask, max_new_tokens up to 512}; the format of test/fixtures/t5/*/case.json, described in
// test/fixtures/README.md) checked into a ScoreCase. Its own module, free of onnxruntime, so the
// services can check a case file (train --case, score) before the engine host loads anything.

import { readFileSync } from 'node:fs';
import { MAX_NEW_TOKENS } from '../../../shared/contract/playground';
import { errorMessage } from '../../../shared/errors';
import { unreadableFileReason } from '../../../shared/fileErrors';

export class CaseFileError extends Error {
  override name = 'CaseFileError';
}

export interface ScoreCase {
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
  readonly labels: number[][];
  readonly greedyInput: number[];
  /** Where greedyInput comes from, as messages name it: its own section, or the first input row. */
  readonly greedyInputField: 'greedy.input_ids' | 'input_ids';
  readonly greedyMaxNewTokens: number;
}

/** The rows of `key`: one or more, each of the same non-zero length, of integers. */
function idRows(json: Record<string, unknown>, key: string, source: string): number[][] {
  const value = json[key];
  const isRows =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((r) => Array.isArray(r) && r.length > 0 && r.length === value[0].length && r.every(Number.isInteger));
  if (!isRows)
    throw new CaseFileError(
      `${source}: "${key}" must be a non-empty array of rows of integer ids, all of one non-zero length`,
    );
  return value as number[][];
}

/** attention_mask as input_ids' shape, of 0s and 1s; labels one row per input row. */
function checkShapes(inputIds: number[][], attentionMask: number[][], labels: number[][], source: string): void {
  const sameShape = attentionMask.length === inputIds.length && attentionMask[0].length === inputIds[0].length;
  if (!sameShape || !attentionMask.every((row) => row.every((m) => m === 0 || m === 1)))
    throw new CaseFileError(
      `${source}: "attention_mask" must be of 0s and 1s, one per input id (the shape of "input_ids")`,
    );
  if (labels.length !== inputIds.length)
    throw new CaseFileError(`${source}: "labels" must have one row per row of "input_ids" (${inputIds.length})`);
}

/** The ids greedy decodes: greedy.input_ids' one row (without what its mask hides), else input row 0's. */
function greedyInput(json: Record<string, unknown>, first: number[], source: string): number[] {
  const greedy = (json.greedy ?? {}) as Record<string, unknown>;
  if (greedy.input_ids === undefined) {
    if (first.length === 0)
      throw new CaseFileError(
        `${source}: the first row of "attention_mask" masks every input id; greedy decoding needs one`,
      );
    return first;
  }
  const rows = idRows(greedy, 'input_ids', `${source} greedy`);
  if (rows.length !== 1)
    throw new CaseFileError(
      `${source}: greedy.input_ids must be one row (greedy decodes one input); got ${rows.length}`,
    );
  if (greedy.attention_mask === undefined) return rows[0];
  const mask = greedy.attention_mask;
  const isMask =
    Array.isArray(mask) &&
    mask.length === 1 &&
    Array.isArray(mask[0]) &&
    mask[0].length === rows[0].length &&
    mask[0].every((m: unknown) => m === 0 || m === 1);
  if (!isMask)
    throw new CaseFileError(`${source}: greedy.attention_mask must be one row of 0s and 1s, one per greedy input id`);
  const kept = rows[0].filter((_, t) => (mask as number[][])[0][t] === 1);
  if (kept.length === 0) throw new CaseFileError(`${source}: greedy.attention_mask masks every greedy input id`);
  return kept;
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
  checkShapes(inputIds, attentionMask, labels, source);
  if (labels.every((row) => row.every((id) => id === -100)))
    throw new CaseFileError(
      `${source}: every label is -100 (ignored), so there is nothing to score; keep at least one target id`,
    );
  const maxNew = ((json.greedy ?? {}) as { max_new_tokens?: unknown }).max_new_tokens ?? 20;
  // The most new tokens a greedy decode asks for: fill's own cap.
  if (!Number.isInteger(maxNew) || (maxNew as number) < 1 || (maxNew as number) > MAX_NEW_TOKENS.max) {
    throw new CaseFileError(
      `${source}: greedy.max_new_tokens must be a whole number from 1 to ${MAX_NEW_TOKENS.max}; got ${JSON.stringify(maxNew)}`,
    );
  }
  const firstRow = inputIds[0].filter((_, t) => attentionMask[0][t] === 1);
  return {
    inputIds,
    attentionMask,
    labels,
    greedyInput: greedyInput(json, firstRow, source),
    greedyInputField:
      (json.greedy as { input_ids?: unknown } | undefined)?.input_ids === undefined ? 'input_ids' : 'greedy.input_ids',
    greedyMaxNewTokens: maxNew as number,
  };
}

/** The case file at `path` read (a BOM skipped, as editors on Windows write one) and checked; messages name it. */
export function readScoreCase(path: string): ScoreCase {
  return parseScoreCase(readCaseJson(path), path);
}

/** A case file's JSON (a leading byte-order mark ignored); a file that does not read or parse is a CaseFileError naming it. */
export function readCaseJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CaseFileError(`Case file ${path} ${unreadableFileReason(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CaseFileError(`Case file ${path} is not JSON: ${errorMessage(error)}`);
  }
  return raw;
}
