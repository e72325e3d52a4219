// Preloaded (NODE_OPTIONS=--import) by tests that need an engine host that cannot start: in
// the host (the only process with an IPC channel) it says why on stderr and exits with 70
// before the host's entry runs. Elsewhere: nothing.

if (typeof process.send === 'function') {
  process.stderr.write('crash-host: this engine host exits on purpose\n');
  process.exit(70);
}
