// The engine host proper, loaded by entry.ts once it has set itself up against Ctrl-C: it
// detects how it was started (Electron's utilityProcess by the presence of
// process.parentPort, else child_process.fork) and adapts that channel to the host runtime.

import type { FromHostMessage } from './protocol';
import { hostHandlerModules, testHostHandlerModules } from './registry';
import { mergeHandlerMaps, runHost, type HostPort } from './runtime';

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function electronParentPort(): ElectronParentPort | undefined {
  const candidate: unknown = (process as unknown as { parentPort?: unknown }).parentPort;
  return typeof candidate === 'object' && candidate !== null && 'postMessage' in candidate
    ? (candidate as ElectronParentPort)
    : undefined;
}

function createPort(): HostPort {
  const parentPort = electronParentPort();
  if (parentPort) {
    return {
      send: (message: FromHostMessage) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('The engine host must be started by Spanfill (no IPC channel to its parent).');
  // The host has no reason to outlive its parent. (Ctrl-C: entry.ts.)
  process.on('disconnect', () => process.exit(0));
  return {
    send: (message: FromHostMessage) => void send(message),
    onMessage: (listener) => process.on('message', listener),
  };
}

/** Serves the host's handlers (the test-only ones too under SPANFILL_HOST_TEST_HANDLERS=1). */
export function startHost(): void {
  const modules =
    process.env.SPANFILL_HOST_TEST_HANDLERS === '1'
      ? [...hostHandlerModules, ...testHostHandlerModules]
      : hostHandlerModules;
  runHost(createPort(), mergeHandlerMaps(modules));
}
