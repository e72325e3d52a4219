// The room left on a disk as the services read it before they write (a resumed run's next
// checkpoint: runsRoom.ts; an export's destination: exportRoom.ts): statfs of a folder on it
// (store/db.ts statFreeSpace), or a test's reader in its place.

import { type FreeSpace, statFreeSpace } from '../store/db';

/** The room left on the disk that holds a folder: statfs, or a test's; undefined where it cannot be read. */
export type FreeSpaceOf = (folder: string) => FreeSpace | undefined;

/** This machine's reader: statfs. */
export const diskFreeSpace: FreeSpaceOf = statFreeSpace;
