// `spanfill import` and `spanfill datasets rm` on a real full disk (a small tmpfs,
// test/support/smallDisk.ts; mounting one needs root, elsewhere these tests are skipped): the
// data directory's disk has no room, so both end as any command that cannot use the data
// directory does, with exit 3 and the disk-full advice (services/errors.ts withDiskFullHint),
// not exit 1 as a bad file would. The import stays listed as importing (no room to delete it).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runSpanfill } from '../../../support/cli';
import { fillDisk, smallDisks } from '../../../support/smallDisk';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-cli-full-disk-');
const disks = smallDisks();

/** About `megabytes` of distinct paragraphs, outside the small disk. */
function bigText(megabytes: number): string {
  const line = 'ordinary words of a long novel that fills the disk '.repeat(18);
  const count = Math.ceil((megabytes * 1024 * 1024) / (line.length + 20));
  const file = path.join(tempDir(), 'big.txt');
  fs.writeFileSync(file, Array.from({ length: count }, (_, i) => `Paragraph ${i}: ${line}`).join('\n\n'));
  return file;
}

describe.skipIf(!disks.canMount)('on a full disk', () => {
  it('import and datasets rm of the import left behind exit 3, saying the disk is full', async () => {
    const disk = disks.make(16 * 1024)!;
    const data = ['--data-dir', path.join(disk, 'data')];
    const big = bigText(14);
    expect((await runSpanfill(['datasets', ...data])).code).toBe(exitCodes.ok); // the store, made with room
    fillDisk(disk, 5 * 1024 * 1024);

    const imported = await runSpanfill(['import', big, '--json', ...data]);
    expect(imported.code).toBe(exitCodes.store);
    expect(JSON.parse(imported.stdout)).toEqual({
      // SQLite's own words left out: the disk is full, in words, with what to do.
      error: { code: 'unavailable', message: expect.stringMatching(/^The disk is full: free space on the disk /) },
    });

    const listed = JSON.parse((await runSpanfill(['datasets', '--json', ...data])).stdout) as {
      datasets: { id: string; status: string }[];
    };
    const [left] = listed.datasets;
    expect(left.status).toBe('importing');
    const removed = await runSpanfill(['datasets', 'rm', left.id, ...data]);
    expect(removed.code).toBe(exitCodes.store);
    // What a removal needs is room from elsewhere: deleting more of Spanfill's data would fail alike.
    expect(removed.stderr).toMatch(
      new RegExp(
        `^spanfill datasets: database or disk is full: deleting the documents of dataset ${left.id} needs .+ more free on its disk\\. ` +
          `The disk is full: removing dataset ${left.id} writes before it frees anything; free space on the data directory's disk .* by deleting files outside Spanfill or a run with checkpoints .*, then remove it again\n$`,
      ),
    );
    expect(removed.stderr).not.toContain('datasets you no longer need');
    expect(removed.stderr).not.toContain('--help');
  }, 60_000);
});
