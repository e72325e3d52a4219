// Process entry of the engine host (bundled to out/main/host.js). Started by main with
// Electron's utilityProcess or by the CLI/server with child_process.fork; it detects which
// by the presence of process.parentPort and adapts that channel to the host runtime.

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
  // The host has no reason to outlive its parent.
  process.on('disconnect', () => process.exit(0));
  // NOTE: a terminal's Ctrl-C signals the whole process group; the parent decides what it
  // means (a training run stops with a final checkpoint, here), and ends us when it is done.
  process.on('SIGINT', () => undefined);
  return {
    send: (message: FromHostMessage) => void send(message),
    onMessage: (listener) => process.on('message', listener),
  };
}

const modules =
  process.env.SPANFILL_HOST_TEST_HANDLERS === '1'
    ? [...hostHandlerModules, ...testHostHandlerModules]
    : hostHandlerModules;
runHost(createPort(), mergeHandlerMaps(modules));
