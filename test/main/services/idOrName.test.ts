// The id-or-name rule of the command line's ID arguments, on rows made up here: a name two rows
// share is refused as a conflict (exit 1, like an unknown id), not as a usage error; a name taken
// is refused on rename and numbered on import (datasets).

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { idOrName, numberedName, refuseOthersId, refuseTakenName } from '../../../src/main/services/idOrName';

const kind = { one: 'run', many: 'runs', command: 'spanfill runs' };
const rows = [
  { id: 'r-1', name: 'base' },
  { id: 'r-2', name: 'r-1' },
  { id: 'r-3', name: 'twin' },
  { id: 'r-4', name: 'twin' },
];

function failure(ref: string): ApiError {
  try {
    idOrName(ref, rows, kind);
  } catch (error) {
    return error as ApiError;
  }
  throw new Error(`${ref} was found`);
}

describe('idOrName', () => {
  it('finds an id as given, before any name', () => {
    expect(idOrName('r-3', rows, kind)).toBe('r-3');
    expect(idOrName('r-1', rows, kind)).toBe('r-1');
  });

  it('finds the one row of a name, exactly as written', () => {
    expect(idOrName('base', rows, kind)).toBe('r-1');
    expect(failure('Base').code).toBe('not_found');
    expect(failure(' base').code).toBe('not_found');
  });

  it('asks for an id when two rows share the name, and says where ids are when none has it', () => {
    expect([failure('twin').code, failure('twin').message]).toEqual([
      'conflict',
      '2 runs are named "twin" (r-3, r-4); give one id, or rename one (`spanfill runs rename ID NAME`)',
    ]);
    expect(failure('nope').message).toBe('No run has the id or name "nope"; `spanfill runs` lists the ids and names');
  });

  it("refuses to name a row as another row's id, which its name could then never find", () => {
    expect(() => refuseOthersId('r-3', 'r-4', rows, kind)).toThrow(
      new ApiError(
        'invalid_argument',
        'r-4 is the id of another run; a run named so could not be found by its name (the id comes first): choose another name',
      ),
    );
    expect(() => refuseOthersId('r-3', 'r-3', rows, kind)).not.toThrow();
    expect(() => refuseOthersId('r-3', 'twin', rows, kind)).not.toThrow();
  });
});

describe('names kept distinct', () => {
  it("refuses a name another row has, naming that row's id; a row's own name is no refusal", () => {
    expect(() => refuseTakenName('r-1', 'twin', rows, kind)).toThrow(
      new ApiError(
        'conflict',
        'Run r-3 is named "twin" already; a name finds one run, so choose another (or rename r-3 first: `spanfill runs rename ID NAME`)',
      ),
    );
    expect(() => refuseTakenName('r-3', 'twin', rows.slice(0, 3), kind)).not.toThrow();
    expect(() => refuseTakenName('r-1', 'new', rows, kind)).not.toThrow();
  });

  it('numbers a name from 2, cutting a long one so that the number stays', () => {
    expect(numberedName('notes.txt', 2)).toBe('notes.txt (2)');
    const long = numberedName('x'.repeat(200), 12);
    expect([long.length, long.endsWith('… (12)')]).toEqual([200, true]);
  });
});
