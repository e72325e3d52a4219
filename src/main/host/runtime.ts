// The engine host's side of the wire: receives requests, runs the registered handler with
// an AbortSignal, and answers with a response envelope. Transport-agnostic: the entry file
// adapts Node's process IPC or Electron's parentPort to a HostPort.

import { ApiError, type ErrorInfo, errorMessage } from '../../shared/errors';
import { isToHostMessage, type FromHostMessage, type HostRequestType } from './protocol';
import type { HostContext, HostHandler, HostHandlerMap } from './handler';

export interface HostPort {
  send(message: FromHostMessage): void;
  onMessage(listener: (message: unknown) => void): void;
}

export function mergeHandlerMaps(maps: readonly HostHandlerMap[]): Map<string, HostHandler<HostRequestType>> {
  const merged = new Map<string, HostHandler<HostRequestType>>();
  for (const map of maps) {
    for (const [type, handler] of Object.entries(map)) {
      if (merged.has(type)) throw new Error(`Host handler '${type}' is registered twice`);
      merged.set(type, handler as HostHandler<HostRequestType>);
    }
  }
  return merged;
}

export function runHost(port: HostPort, handlers: Map<string, HostHandler<HostRequestType>>): void {
  const inFlight = new Map<number, AbortController>();

  port.onMessage((message) => {
    if (!isToHostMessage(message)) return;
    if (message.kind === 'cancel') {
      inFlight.get(message.id)?.abort();
      return;
    }
    const { id, type, payload } = message;
    const handler = handlers.get(type);
    if (!handler) {
      const known = [...handlers.keys()].join(', ');
      port.send({
        kind: 'response',
        id,
        ok: false,
        error: { code: 'not_found', message: `Unknown host request '${type}'; expected one of: ${known}` },
      });
      return;
    }
    const controller = new AbortController();
    inFlight.set(id, controller);
    const context: HostContext = {
      signal: controller.signal,
      emit: (eventType, eventPayload) => port.send({ kind: 'event', type: eventType, payload: eventPayload }),
    };
    handler(payload as never, context)
      .then(
        (result) => port.send({ kind: 'response', id, ok: true, result }),
        (error: unknown) => port.send({ kind: 'response', id, ok: false, error: toErrorInfo(error) }),
      )
      .finally(() => inFlight.delete(id));
  });

  port.send({ kind: 'ready', pid: process.pid });
}

function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error instanceof Error && error.name === 'AbortError') return { code: 'cancelled', message: error.message };
  return { code: 'internal', message: errorMessage(error) };
}
