// What a host handler is: an async function from a request's payload (and a context with the
// cancel signal and an event emitter) to its result. Handler modules (host/handlers/*) import
// these types from here, and registry.ts lists the modules, so neither imports the other.

import type { HostEventType, HostEvents, HostPayload, HostRequestType, HostResult } from './protocol';

export interface HostContext {
  /** Aborted when main cancels the request or the host is shutting down. */
  readonly signal: AbortSignal;
  /** Push an event (progress, metrics) to main while the request runs. */
  emit<E extends HostEventType>(type: E, payload: HostEvents[E]): void;
}

export type HostHandler<T extends HostRequestType> = (
  payload: HostPayload<T>,
  context: HostContext,
) => Promise<HostResult<T>>;

export type HostHandlerMap = { readonly [T in HostRequestType]?: HostHandler<T> };
