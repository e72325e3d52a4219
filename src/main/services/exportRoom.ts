// The disk that holds an export's destination, where all the export writes goes (it stages
// there: engine/export/folder.ts), not to the data directory. An export is refused before it
// writes anything where that disk has less free than the export needs (engine/export/room.ts:
// the least it writes); a full disk, found so or met while writing, is said naming that disk,
// the room the export needs there and what is free, and the data directory's runs, models and
// datasets only where it shares that disk (services/errors.ts withDiskFullHint).

import { statSync } from 'node:fs';
import { ApiError, errorMessage, isDiskFull } from '../../shared/errors';
import { formatBytes } from '../../shared/format';
import { exportRoomNeeded } from '../engine/export/room';
import { nearestFolder } from '../store/db';
import { diskFreeSpace, type FreeSpaceOf } from './freeSpace';
import { withDiskFullHint } from './errors';

/** What a write meets on a disk without room for it, in Node's words; said in Spanfill's (withDiskFullHint). */
const NO_ROOM = 'ENOSPC: no space left on device';

export class DestinationDisk {
  /** The least the export writes (exportRoomNeeded); undefined until checked, or where it cannot be known. */
  private needed: number | undefined;

  /** `out`: the export's destination (absolute); `dataDir`: Spanfill's, named where it is on the same disk. */
  constructor(
    private readonly out: string,
    private readonly dataDir: string | undefined,
    private readonly freeSpace: FreeSpaceOf = diskFreeSpace,
  ) {}

  /**
   * Throws, before anything is written, where the disk has less free than the export of
   * `sourceDir` needs. Where that need or the free space cannot be read, nothing is refused
   * (the export says what is wrong with a model folder it cannot read).
   */
  checkRoomFor(sourceDir: string): void {
    try {
      this.needed = exportRoomNeeded(sourceDir);
    } catch {
      return;
    }
    const free = this.freeBytes();
    // Said by `saying`, as a full disk met while writing is (so the CLI exits alike: 3 where it is the data directory's).
    if (free !== undefined && free < this.needed) throw new Error(NO_ROOM);
  }

  /**
   * `error`, or where it is a full disk, with what to do about this disk, the room the export
   * needs there and what is free now (what the export wrote is gone by then).
   */
  saying(error: unknown): unknown {
    if (!isDiskFull(error)) return error;
    const free = this.freeBytes();
    const hinted = withDiskFullHint(errorMessage(error), { path: this.out, isDataDirectoryDisk: this.isDataDisk() });
    const message = this.needed === undefined ? hinted : `${hinted} (${roomWords(this.needed, free)})`;
    return error instanceof ApiError ? new ApiError(error.code, message) : new Error(message, { cause: error });
  }

  /** The bytes free on the disk that holds `out` (or the nearest folder above it that exists). */
  private freeBytes(): number | undefined {
    return this.freeSpace(nearestFolder(this.out))?.bytes;
  }

  /** Whether `out` is on the disk that holds the data directory. */
  private isDataDisk(): boolean {
    if (this.dataDir === undefined) return false;
    try {
      return statSync(nearestFolder(this.out)).dev === statSync(this.dataDir).dev;
    } catch {
      return false; // gone meanwhile: name --out's disk alone
    }
  }
}

/** "the export needs at least 1.2 GiB there; 300.0 MiB is free", without the free part where it is unknown. */
function roomWords(needed: number, free: number | undefined): string {
  const needs = `the export needs at least ${formatBytes(needed)} there`;
  return free === undefined ? needs : `${needs}; ${formatBytes(free)} is free`;
}
