// Case files (JSON: input_ids, attention_mask and labels as rows of ids, -100 ignored, optional
// greedy {input_ids, max_new_tokens}; the format of test/fixtures/t5/*/case.json, described in
// test/fixtures/README.md) checked into a ScoreCase. Its own module, free of onnxruntime, so the
// services can check a case file (train --case) before the engine host loads anything.

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
  if (greedyRows === null && firstRow.length === 0)
    throw new CaseFileError(
      `${source}: the first row of "attention_mask" masks every input id; greedy decoding needs one`,
    );
  return {
    inputIds,
    attentionMask,
    labels,
    greedyInput: greedyRows ? greedyRows[0] : firstRow,
    greedyMaxNewTokens: maxNew as number,
  };
}
