// Entry of the `spanfill` command (bundled to out/main/cli.js; bin/spanfill.mjs runs it, or
// this file through tsx when there is no build). The only place the CLI calls process.exit.

import { runCli } from './run';
import { exitCodes } from './exit-codes';

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupts += 1;
    // A second Ctrl-C means "now": do not wait for cleanup.
    if (interrupts > 1) process.exit(exitCodes.interrupted);
    controller.abort();
  });
}

const exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = exitCode;
