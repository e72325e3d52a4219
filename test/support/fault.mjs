// Preloaded (NODE_OPTIONS=--import) by the tests of the fault net (src/main/faultNet.ts): makes
// a fault nobody handles, as a bug would, in the process SPANFILL_TEST_FAULT_IN names: `main`
// (the command's own process) or `host` (the engine host, the only one with an IPC channel).
// SPANFILL_TEST_FAULT: `rejection` (a promise rejected with nothing awaiting it) or `exception`
// (thrown from a timer). SPANFILL_TEST_FAULT_WHEN, a moment the process is in the midst of its
// work: `stdin` (the command reads its standard input, which the test never closes), `serving`
// (the engine host listens to its parent) or `SIGUSR2` (when the test sends that signal).
// Elsewhere, or without those variables: nothing.

const { SPANFILL_TEST_FAULT: kind, SPANFILL_TEST_FAULT_IN: where, SPANFILL_TEST_FAULT_WHEN: when } = process.env;
const isHost = typeof process.send === 'function';

function fault() {
  const error = new Error(`a ${kind} left on purpose by test/support/fault.mjs`);
  if (kind === 'exception')
    setTimeout(() => {
      throw error;
    });
  else void Promise.reject(error);
}

/** Whether the moment `when` names has come. */
function hasCome() {
  if (when === 'stdin') return process.stdin.listenerCount('readable') > 0;
  return process.listenerCount('message') > 0; // serving: the host's runtime listens to its parent
}

if (kind !== undefined && (where === 'host') === isHost) {
  if (when === 'SIGUSR2') process.on('SIGUSR2', fault);
  else {
    const waiting = setInterval(() => {
      if (!hasCome()) return;
      clearInterval(waiting);
      fault();
    }, 5);
  }
}
