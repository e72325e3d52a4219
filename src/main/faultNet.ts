// What a fault nobody handles does to a process: a promise that rejected with nothing awaiting
// it (unhandledRejection, as the Hub pull's write loop left one on a full disk, 9f82cafa) or an
// exception thrown where nothing catches it (uncaughtException). Left to Node, either ends the
// process with a raw stack: a CLI command's, and `spanfill serve`'s with every tab, upload and
// training run in it. The entry points install this net, once per process: a one-shot command
// ends saying it met a bug (cli/index.ts); a process that serves others (`spanfill serve` once
// it listens, the desktop app's main process, the engine host once it has started) logs the
// fault with its stack and keeps running, so work in progress does not die for an unrelated
// promise. Imports nothing of services, store or electron: the engine host's entry loads it.
//
// NOTE: a rejected top-level await (a module that failed to load) reaches uncaughtException
// too: a process that keeps running installs the net only once it has loaded, so one that
// cannot load still ends.

import { inspect } from 'node:util';

/** What the net does with each fault: ends the process, or says it and lets it run on. */
export type FaultHandler = (fault: unknown) => void;

/** What the words "a bug" are followed by, in every process. */
export const INTERNAL_ERROR_WORDS = 'internal error (a bug; please report it)';

/** The environment variable (set to 1) under which a one-shot command's internal error shows its stack. */
export const DEBUG_VARIABLE = 'SPANFILL_DEBUG';

/**
 * What follows a one-shot command's internal-error line: under SPANFILL_DEBUG=1 the fault with
 * its stack (where it happened, for the report); otherwise how to see it, where there is one
 * to see (a value rejected or thrown that is not an Error has none).
 */
export function whereTheFaultWas(fault: unknown, env: NodeJS.ProcessEnv): string | undefined {
  if (env[DEBUG_VARIABLE] === '1') return inspect(fault);
  if (!(fault instanceof Error)) return undefined;
  return `Run again with ${DEBUG_VARIABLE}=1 to see where (its stack, for the report).`;
}

let current: FaultHandler | undefined;

/** Installs the net in this process (entry points only), each fault going to `handle`; again, `handle` replaces the last. */
export function installFaultNet(handle: FaultHandler): void {
  if (current === undefined) {
    process.on('unhandledRejection', (reason) => current?.(reason));
    process.on('uncaughtException', (error) => current?.(error));
  }
  current = handle;
}

/**
 * From now on this process serves others (`spanfill serve` once it listens): where its entry
 * installed the net, a fault is logged (loggedFault) instead of ending it. Where none is
 * installed (a command run in-process by a test) nothing changes.
 */
export function keepRunningThroughFaults(who: string): void {
  if (current !== undefined) current = loggedFault(who);
}

/**
 * A handler that writes the fault with its stack to `out` (stderr; the engine host's stdout,
 * which is its parent's stderr) and lets the process run on.
 */
export function loggedFault(who: string, out: NodeJS.WritableStream = process.stderr): FaultHandler {
  return (fault) => {
    try {
      out.write(`${who}: ${INTERNAL_ERROR_WORDS}; kept running: ${inspect(fault)}\n`);
    } catch {
      // The stream is gone: there is no one to tell.
    }
  };
}
