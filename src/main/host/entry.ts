// Process entry of the engine host (bundled to out/main/host.js). Started by main with
// Electron's utilityProcess or by the CLI/server with child_process.fork; start.ts is the
// host itself, imported only once the line below has run.

import { STOPPING_SIGNALS } from '../stoppingSignals'; // a constant: loads in no time
import { installFaultNet, loggedFault } from '../faultNet'; // node:util only

// NOTE: a terminal's Ctrl-C signals the whole process group; the parent decides what it means
// (a training run stops with a final checkpoint, a command exits 130) and ends the host when it
// is done. So under child_process.fork (an IPC channel, process.send) the host ignores SIGINT,
// and from its first line: installed after the handler modules had loaded (a second or more,
// more through tsx; static imports all load before any module body runs), a Ctrl-C in that
// window killed the host and the command reported a crashed engine host (exit 4) instead of
// an interrupt (seen in CI: exit-codes.test.ts, "Ctrl-C during fill"). Hence the dynamic import.
// SIGTERM and SIGHUP likewise: `timeout`, `docker stop` and supervisors send SIGTERM to the
// whole group, a closed terminal SIGHUP, and the parent stops a training run with a checkpoint
// for those as for Ctrl-C; a host that died of them first left the run failed, unsaved.
// (A parent that is gone ends the host all the same: start.ts exits on 'disconnect'.)
if (typeof process.send === 'function') for (const signal of STOPPING_SIGNALS) process.on(signal, () => undefined);

const { startHost } = await import('./start');
startHost();
// Serving from now on: a fault nobody handles (an unrelated promise) is logged on its stdout, its
// parent's stderr (its own stderr is kept for a crash's message), and a training run goes on.
// Only now: a rejected top-level await (start.ts failing to load) reaches the net too, and a
// host that cannot start must still end (faultNet.ts).
installFaultNet(loggedFault('Spanfill engine host', process.stdout));

export {}; // a module, for the top-level await
