// stagingName.ts IN_PROGRESS: what an export into a folder keeps there while it runs (its lock, the
// breaker and temp file of a takeover of a stale lock, its staging folder) is hidden from listings
// of the folder's files; a person's file of a like name is not.
import { describe, expect, it } from 'vitest';
import { IN_PROGRESS, STAGING_INSIDE } from '../../../../src/main/engine/export/stagingName';
import { recordInName, recordOfThisProcess } from '../../../../src/main/processIdentity';

const stamp = recordInName(recordOfThisProcess(Date.now()));

describe('IN_PROGRESS', () => {
  it('names the lock, what a takeover keeps beside it, and the staging folder', () => {
    const names = [
      '.spanfill-export.lock',
      '.spanfill-export.lock.break',
      '.spanfill-export.lock.break.break',
      `.spanfill-export.lock.${stamp}.tmp`,
      `.spanfill-export.lock.break.${stamp}.tmp`,
      `.spanfill-export-${stamp}`,
      '.spanfill-export-123.456',
    ];
    expect(names.filter((name) => !IN_PROGRESS.test(name))).toEqual([]);
    expect(names.filter((name) => STAGING_INSIDE.test(name))).toEqual([
      `.spanfill-export-${stamp}`,
      '.spanfill-export-123.456',
    ]);
  });

  it('leaves a person’s files of like names to be listed', () => {
    const names = [
      'spanfill-export.lock',
      '.spanfill-export.lock.txt',
      '.spanfill-export.lock.breaker',
      '.spanfill-export.lock.tmp',
      `.spanfill-export.lock.${stamp}.tmp.bak`,
      `.spanfill-export.lock.x${stamp}.tmp`,
      '.spanfill-export-notes',
    ];
    expect(names.filter((name) => IN_PROGRESS.test(name))).toEqual([]);
  });
});
