// Stamps for tests of stamp locks (stampLock.ts): what a lock names as its holder.

import { uptime } from 'node:os';
import { recordInName, recordOfThisProcess } from '../../src/main/processIdentity';

/** A stamp of this process, made just now. */
export const stampOfThisProcess = (): string => recordInName(recordOfThisProcess(Date.now()));

/** A stamp of a process that has gone: the parent's pid, recorded as run before this machine booted. */
export const goneStamp = (): string =>
  recordInName({ pid: process.ppid, ranAt: Math.round(Date.now() - uptime() * 1000 - 3_600_000) });
