// The building block of the contract: a call is an argument schema (zod, validated at every
// transport boundary) plus a result type carried only at the type level. Adding a call to a
// domain is one `call(...)` entry here and one handler in src/main/services.

import type { z } from 'zod';

export interface CallSpec<A extends z.ZodType, R> {
  readonly args: A;
  /** Phantom: never set at run time, only carries the result type. */
  readonly result?: R;
}

export function call<R>() {
  return <A extends z.ZodType>(args: A): CallSpec<A, R> => ({ args });
}
