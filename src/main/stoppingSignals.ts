// The signals that stop a command as Ctrl-C does (a run with a checkpoint, exit 130) instead of
// killing it: SIGINT (Ctrl-C), SIGTERM (`timeout`, `docker stop`, supervisors) and SIGHUP (the
// terminal closed). The command line stops on them (cli/index.ts), the engine host ignores them
// so that its parent decides (host/entry.ts, host/client.ts). bin/spanfill.mjs, which runs
// before any TypeScript loads, keeps a copy (test/main/stoppingSignals.test.ts compares them).

export const STOPPING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
