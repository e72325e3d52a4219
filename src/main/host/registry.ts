// Host-side handler types and the list of handler modules the host entry loads. To give the
// engine host a new request type: declare it in HostRequests (by declaration merging, see
// protocol.ts), write a HostHandlerMap in host/handlers/<area>.ts, and add it to the list
// below — one line.

import type { HostEventType, HostEvents, HostPayload, HostRequestType, HostResult } from './protocol';
import { coreHostHandlers, testHostHandlers } from './handlers/core';
import { dataHostHandlers } from './handlers/data';
import { systemHostHandlers } from './handlers/system';

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

/** Every handler module the production host serves. Add yours here. */
export const hostHandlerModules: readonly HostHandlerMap[] = [coreHostHandlers, systemHostHandlers, dataHostHandlers];

/** Handlers that crash or hang the host on purpose; only with SPANFILL_HOST_TEST_HANDLERS=1. */
export const testHostHandlerModules: readonly HostHandlerMap[] = [testHostHandlers];
