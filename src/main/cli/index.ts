// Entry of the `spanfill` command (bundled to out/main/cli.js; bin/spanfill.mjs runs it, or
// this file through tsx when there is no build). The only place the CLI ends the process.

import { writeSync } from 'node:fs';
import { runCli } from './run';
import { isDataDirChosen } from './nextCommand';
import { withDataDir } from '../../shared/commandText';
import { errorMessage } from '../../shared/errors';
import { dataDirFlagFromArgv, resolveDataDir } from '../store/data-dir';
import { STOPPING_SIGNALS } from '../stoppingSignals';
import { installFaultNet, INTERNAL_ERROR_WORDS, whereTheFaultWas } from '../faultNet';
import { exitCodes } from './exit-codes';
import { visibleControls } from './output';

// A fault nobody handles (a promise rejected with nothing awaiting it, an uncaught exception)
// ends the command saying it met a bug, not with Node's raw stack (shown under SPANFILL_DEBUG=1,
// for a report); `spanfill serve` lets it run on once it listens (faultNet.ts). Under --json
// stdout gets the one error document, unless the command's own document is there already.
const stdoutWritten = notingWrites(process.stdout);
installFaultNet((fault) => {
  const message = `${INTERNAL_ERROR_WORDS}: ${errorMessage(fault)}`;
  try {
    if (process.argv.slice(2).includes('--json') && !stdoutWritten())
      writeSync(1, `${JSON.stringify({ error: { code: 'internal', message } })}\n`);
    const where = whereTheFaultWas(fault, process.env);
    writeSync(2, `spanfill: ${visibleControls(message)}\n${where === undefined ? '' : `${visibleControls(where)}\n`}`);
  } catch {
    // A closed pipe: there is no one to tell.
  }
  process.exit(exitCodes.failure);
});

/** Whether anything was written to `stream` since (stdout: under --json, only the command's one document is). */
function notingWrites(stream: NodeJS.WriteStream): () => boolean {
  let hasWritten = false;
  const write = stream.write.bind(stream);
  stream.write = ((...args: Parameters<typeof write>) => {
    hasWritten = true;
    return write(...args);
  }) as typeof stream.write;
  return () => hasWritten;
}

/** What bin/spanfill.mjs heard while this loaded (absent when something else started it). */
interface EarlySignals {
  readonly signals: readonly NodeJS.Signals[];
  stop(): void;
}

const controller = new AbortController();
let interrupts = 0;
let stoppedBy: NodeJS.Signals | undefined;
const onSignal = (signal: NodeJS.Signals): void => {
  interrupts += 1;
  stoppedBy ??= signal;
  // A second Ctrl-C means "now": do not wait for cleanup.
  if (interrupts > 1) {
    sayStoppedAtOnce();
    dieBy(signal);
  }
  controller.abort();
};
const early = (globalThis as { spanfillEarlySignals?: EarlySignals }).spanfillEarlySignals;
early?.stop();
// SIGHUP: the terminal closed; stop as for Ctrl-C (a run with a checkpoint) rather than die.
for (const signal of STOPPING_SIGNALS) process.on(signal, () => onSignal(signal));
for (const signal of early?.signals ?? []) onSignal(signal);

/**
 * What a second Ctrl-C ends the command with: said on stderr, and under --json as its one error
 * document (stdout stayed empty until the command's own answer, which it no longer gives).
 * Written synchronously: the process ends right after.
 */
function sayStoppedAtOnce(): void {
  // The command named must reach this data directory when one was chosen (nextCommand.ts).
  const flag = dataDirFlagFromArgv(process.argv.slice(2));
  const chosen = isDataDirChosen(flag, process.env) ? resolveDataDir({ flag }) : undefined;
  const message = withDataDir(
    'interrupted twice: stopped at once, without waiting to save; a training run keeps the checkpoints ' +
      'it had saved, and `spanfill runs resume ID` continues from the last one',
    chosen,
  );
  try {
    if (process.argv.slice(2).includes('--json'))
      writeSync(1, `${JSON.stringify({ error: { code: 'cancelled', message } })}\n`);
    writeSync(2, `spanfill: ${message}\n`);
  } catch {
    // A closed pipe: there is no one to tell.
  }
}

/**
 * Ends the process by `signal` with its default action (the shell sees 128 + signal number).
 * NOTE: not process.exit: on exit libuv joins its thread pool, so a thread blocked for good
 * (an open() of a FIFO waits for a writer and cannot be cancelled) would hang exit too.
 */
function dieBy(signal: NodeJS.Signals): void {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
}

// A reader that closed its end (`spanfill … | head -1`): what it did not read has no one to go
// to, and the command ends as it would have (Node ignores SIGPIPE, so the write fails instead,
// which unhandled printed a stack trace and exit 1).
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });

const exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = exitCode;
// Stopped by a signal, everything is closed by now, but abandoned work (that blocked open())
// can keep the process alive: give stdout a moment to drain, then go the way we were asked.
if (stoppedBy) setTimeout(() => dieBy(stoppedBy ?? 'SIGTERM'), 500).unref();
