// The list of handler modules the host entry loads.
//
// To add a host message (a request main sends to the engine host):
//   1. declare it in HostRequests by declaration merging in your handler file (see
//      protocol.ts and host/handlers/playground.ts): `'area.name': { payload; result }`;
//   2. write a HostHandlerMap (host/handler.ts) in host/handlers/<area>.ts that calls the
//      engine — the host imports engine/ and shared/, never services/ (lint enforces it);
//   3. add the map to hostHandlerModules below — one line;
//   4. call it from a service with `engine.request('area.name', payload, { signal })`.

import type { HostHandlerMap } from './handler';
import { benchHostHandlers } from './handlers/bench';
import { coreHostHandlers, testHostHandlers } from './handlers/core';
import { dataHostHandlers } from './handlers/data';
import { exportHostHandlers } from './handlers/export';
import { playgroundHostHandlers } from './handlers/playground';
import { systemHostHandlers } from './handlers/system';
import { trainHostHandlers } from './handlers/train';

/** Every handler module the production host serves. Add yours here. */
export const hostHandlerModules: readonly HostHandlerMap[] = [
  coreHostHandlers,
  systemHostHandlers,
  dataHostHandlers,
  playgroundHostHandlers,
  exportHostHandlers,
  trainHostHandlers,
  benchHostHandlers,
];

/** Handlers that crash or hang the host on purpose; only with SPANFILL_HOST_TEST_HANDLERS=1. */
export const testHostHandlerModules: readonly HostHandlerMap[] = [testHostHandlers];
