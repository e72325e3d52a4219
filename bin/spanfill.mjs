#!/usr/bin/env node
// The `spanfill` command. Runs the bundled CLI (out/main/cli.js) when the app is built and
// the build is newer than the source; otherwise runs the TypeScript source through tsx, so
// `npx spanfill` works in a fresh checkout and never runs a stale build while developing.
// SPANFILL_FROM_SOURCE=1 forces the source (what the tests use).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

// A Ctrl-C (or SIGTERM, SIGHUP) while the CLI loads (seconds from source) is remembered instead of ending
// the process silently: src/main/cli/index.ts takes the list over and the command starts
// interrupted, so it answers like any interrupted one (exit 130; under --json its error
// document). A second one ends the process at once.
// The signals are src/main/stoppingSignals.ts's, which this file runs before.
const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const earlySignals = [];
let hasSaidInterrupted = false;
const onEarlySignal = (signal) => {
  earlySignals.push(signal);
  if (earlySignals.length > 1) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
};
// The same Ctrl-C can end tsx's esbuild service (see the import below), and loading then fails
// in tsx's loader thread too, which Node raises as an uncaught exception, not as the import's,
// sometimes before this process's own SIGINT has reached onEarlySignal: a fault while loading
// waits a moment for that signal before it is said as the fault it is.
const onFaultWhileLoading = (error) =>
  afterSignalGrace(() => {
    process.stderr.write(`${inspect(error)}\n`);
    process.exit(1);
  });
process.on('uncaughtException', onFaultWhileLoading);
for (const signal of STOPPING_SIGNALS) process.on(signal, onEarlySignal);
globalThis.spanfillEarlySignals = {
  signals: earlySignals,
  stop() {
    for (const signal of STOPPING_SIGNALS) process.off(signal, onEarlySignal);
    process.off('uncaughtException', onFaultWhileLoading);
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'out', 'main', 'cli.js');

/** Newest modification time of any file under dir (0 when dir is absent). */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

function isBuildFresh() {
  if (!existsSync(built)) return false;
  const sourceMtime = Math.max(newestMtime(join(root, 'src', 'main')), newestMtime(join(root, 'src', 'shared')));
  return statSync(built).mtimeMs >= sourceMtime;
}

if (process.env.SPANFILL_FROM_SOURCE !== '1' && isBuildFresh()) {
  await import(pathToFileURL(built).href);
} else {
  // tsx is a dev dependency: register its loader in this process and import the source.
  // NOTE: in-process (not a child) so Ctrl-C reaches exactly one process, once; a child plus a
  // forwarding parent delivered two SIGINTs and skipped the CLI's cleanup.
  const { register } = await import('tsx/esm/api');
  register();
  try {
    await import(pathToFileURL(join(root, 'src', 'main', 'cli', 'index.ts')).href);
  } catch (error) {
    // tsx's cache was cold, so it ran an esbuild service: a child in this process group, which
    // the same Ctrl-C ended, and loading failed. Said as a command interrupted while it loads
    // is (src/main/cli/run.ts), not as that failure's stack.
    await new Promise((resolve) => afterSignalGrace(() => resolve(undefined)));
    if (earlySignals.length === 0) throw error;
  }
}

/** Says the command was interrupted and ends, if a stopping signal came or comes within 300 ms; else `otherwise`. */
function afterSignalGrace(otherwise) {
  const decide = () => {
    if (earlySignals.length === 0) return otherwise();
    interruptedWhileLoading();
    process.exit();
  };
  if (earlySignals.length > 0) decide();
  else setTimeout(decide, 300);
}

/** Says, once (the import's failure and the loader thread's can both arrive), that it stopped. */
function interruptedWhileLoading() {
  if (hasSaidInterrupted) return;
  hasSaidInterrupted = true;
  const message = 'interrupted before it started; nothing was done';
  if (process.argv.includes('--json'))
    process.stdout.write(`${JSON.stringify({ error: { code: 'cancelled', message } })}\n`);
  else process.stderr.write(`spanfill: ${message}\n`);
  process.exitCode = 130;
}
