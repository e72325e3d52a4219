// The Electron flavour of HostSpawner: utilityProcess.fork. The electron module is passed
// in by main/index.ts so that the CLI and server bundles never load electron.

import type { UtilityProcess } from 'electron';
import type { HostSpawner } from './spawn';

interface UtilityProcessModule {
  fork(
    modulePath: string,
    args?: string[],
    options?: { env?: NodeJS.ProcessEnv; stdio?: 'pipe'; serviceName?: string },
  ): UtilityProcess;
}

export function utilityProcessSpawner(utilityProcess: UtilityProcessModule): HostSpawner {
  return ({ entry, env }) => {
    const child = utilityProcess.fork(entry, [], { env, stdio: 'pipe', serviceName: 'Spanfill engine host' });
    child.stdout?.pipe(process.stdout);
    return {
      get pid() {
        return child.pid;
      },
      stderr: child.stderr,
      send: (message) => child.postMessage(message),
      onMessage: (listener) => child.on('message', listener),
      // utilityProcess reports only an exit code; a crash by signal shows as a non-zero code.
      onExit: (listener) => child.once('exit', (code) => listener(code, null)),
      kill: () => void child.kill(),
    };
  };
}
