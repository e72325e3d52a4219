// readCaseBatch (services/runsCase.ts), the batch `spanfill train --case` trains on: checked as
// `spanfill score` checks a case file (engine/t5/caseFile.ts), so an empty or ragged one is
// refused with the field named instead of failing inside the engine.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCaseBatch } from '../../../src/main/services/runsCase';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-case-');

function caseFile(json: unknown): string {
  const file = path.join(tempDir(), 'case.json');
  fs.writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return file;
}

describe('readCaseBatch', () => {
  it('reads the batch of a case file, the mask all ones when left out', () => {
    expect(readCaseBatch(caseFile({ input_ids: [[4, 1]], labels: [[5, 1]] }))).toEqual({
      inputIds: [[4, 1]],
      attentionMask: [[1, 1]],
      labels: [[5, 1]],
    });
  });

  it("says a missing file does not exist, in the words `spanfill score` uses, not Node's ENOENT", () => {
    const missing = path.join(tempDir(), 'nofile.json');
    expect(() => readCaseBatch(missing)).toThrow(
      expect.objectContaining({ code: 'invalid_input', message: `Case file ${missing} does not exist` }),
    );
  });

  it('refuses what is not JSON, and empty or ragged rows, as invalid input naming the file and field', () => {
    const notJson = caseFile('{nope');
    expect(() => readCaseBatch(notJson)).toThrow(new RegExp(`^Case file ${notJson} is not JSON: `));
    const empty = caseFile({ input_ids: [[]], attention_mask: [[]], labels: [[]] });
    expect(() => readCaseBatch(empty)).toThrow(
      expect.objectContaining({
        code: 'invalid_input',
        message: `Case file ${empty}: "input_ids" must be a non-empty array of rows of integer ids, all of one non-zero length`,
      }),
    );
    const ragged = caseFile({ input_ids: [[1, 2]], labels: [[1], [2]] });
    expect(() => readCaseBatch(ragged)).toThrow(/"labels" must have one row per row of "input_ids"/);
  });
});
