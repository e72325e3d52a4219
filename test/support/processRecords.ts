// This process as a file name records it (processIdentity.ts recordInName), in the two cases a
// stepped wall clock and a reused pid make of it: tests of what removes files that name a
// process that is gone (export temp folders, token-cache temp files, checkpoint readers).

import { uptime } from 'node:os';
import { recordInName, recordOfThisProcess } from '../../src/main/processIdentity';

/**
 * `stepped`: this process, recorded before the wall clock was stepped forward by hours, so that
 * by the clock it ran before this boot; its boot id and start ticks (Linux) say it lives.
 * `reused`: recorded just now, so that by the clock it may be this process, but with start ticks
 * that are not its own (Linux): another process that had this pid before. Without boot ids and
 * ticks (other systems) the clock decides: `stepped` is gone, `reused` lives.
 */
export function namesOfThisProcess(): { readonly stepped: string; readonly reused: string } {
  const own = recordOfThisProcess();
  const bootedAt = Date.now() - uptime() * 1000;
  const otherTicks = own.startTicks === null ? null : own.startTicks + 1;
  return {
    stepped: recordInName({ ...own, ranAt: Math.round(bootedAt - 3_600_000) }),
    reused: recordInName({ ...own, ranAt: Date.now(), startTicks: otherTicks }),
  };
}

/** Which of namesOfThisProcess()'s records a removal of files of gone processes keeps on this system. */
export const keptOfThisProcess = (): 'stepped' | 'reused' => (process.platform === 'linux' ? 'stepped' : 'reused');
