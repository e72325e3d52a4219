// What exports killed (SIGKILL, a crash, a power cut) while writing a new folder left beside it:
// their hidden staging folders, `.<name>.export-<stamp>`, and an earlier export one was
// replacing, `.<name>.replaced-<stamp>`, each named for its process (processIdentity.ts). The
// next export beside them clears them (folder.ts). Not what a killed export into a folder that
// exists left inside it (intoFolder.ts), nor the records that find either from anywhere
// (stagingRecords.ts).

import { existsSync, lstatSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  isRecordedProcessAlive,
  type ProcessTable,
  RECORD_IN_NAME,
  recordOfName,
  systemProcesses,
} from '../../processIdentity';
import { isShortened } from './stagingName';

/**
 * `.<name>.export-<record>` (being written) and `.<name>.replaced-<record>` (being replaced), the
 * record naming the process that does it: `<pid>.<ms>`, then on Linux `.<start ticks>.<boot id>`;
 * a long name shortened (stagingName.ts).
 */
const LEFT_BEHIND = new RegExp(String.raw`^\.(.+)\.(export|replaced)-(${RECORD_IN_NAME})$`);

/**
 * Clears what exports into `parent` that were killed (SIGKILL, a crash, a power cut) left there:
 * their temp folders are removed, and an earlier export that one was replacing goes back in
 * place if it was killed between its two renames (else it is removed: it had been replaced). A
 * folder whose export still runs, here or in another process, is left alone; what cannot be
 * removed is left for the next export.
 */
export function removeLeftBehind(parent: string, table: ProcessTable = systemProcesses): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return; // not made yet: nothing was left there
  }
  for (const name of names) {
    const match = LEFT_BEHIND.exec(name);
    const writer = match && recordOfName(match[3]);
    if (!match || !writer || isRecordedProcessAlive(writer, table)) continue;
    const folder = join(parent, name);
    try {
      if (!lstatSync(folder).isDirectory()) continue;
      if (match[2] === 'replaced') putBack(folder, match[1], match[3]);
      else rmSync(folder, { recursive: true, force: true });
    } catch {
      // gone meanwhile, or not ours to remove: the export itself goes on
    }
  }
}

/**
 * The earlier export set aside in `folder` (`.<name>.replaced-<stamp>`) back in place, unless
 * another took its place meanwhile (then it is removed: it had been replaced). Under a shortened
 * name (stagingName.ts) `folder` holds it under its own name; one not yet moved in leaves it empty.
 */
function putBack(folder: string, name: string, stamp: string): void {
  const inside = readdirSync(folder);
  const held = inside.length === 1 && isShortened(inside[0], 'replaced', stamp) ? inside[0] : undefined;
  const [earlier, target] = held ? [join(folder, held), held] : [folder, name];
  const place = join(dirname(folder), target);
  if (inside.length > 0 && !existsSync(place)) renameSync(earlier, place);
  rmSync(folder, { recursive: true, force: true });
}
