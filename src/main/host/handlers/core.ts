// Built-in host handlers: echo (a wire check), plus crash and hang, which exist so the
// tests can prove that main notices a dead host and can kill a stuck one.

import type { HostHandlerMap } from '../handler';

export const coreHostHandlers: HostHandlerMap = {
  'host.echo': async ({ value }) => ({ value, pid: process.pid }),
};

export const testHostHandlers: HostHandlerMap = {
  'host.crash': async ({ exitCode, stderr }) => {
    process.stderr.write(`${stderr}\n`, () => process.exit(exitCode));
    return new Promise<never>(() => undefined);
  },
  'host.hang': async () => {
    // A synchronous loop, like a long InferenceSession.run(): no message can get through.
    for (;;) {
      /* spin */
    }
  },
};
