// Preloaded (NODE_OPTIONS=--import) by tests that need an engine host stuck in native code:
// in the host (the only process with an IPC channel) the system.probeProviders request spins
// forever, as a hung GPU driver would, so no later message gets through. Elsewhere: nothing.

if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message?.kind !== 'request' || message.type !== 'system.probeProviders') return;
    for (;;) {
      // spin: a synchronous native call that never returns
    }
  });
}
