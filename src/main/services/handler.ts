// What a call handler is: one async function per contract call, keyed by "domain.name". The
// Handlers type requires an entry for every call in the contract, so adding a call without
// its handler fails to compile. Domain services import these types from here and handlers.ts
// imports the domains, so neither imports the other.

import type { CallName, ParsedArgsOf, ResultOf } from '../../shared/contract';

export type Handler<N extends CallName> = (args: ParsedArgsOf<N>) => Promise<ResultOf<N>>;

export type Handlers = { readonly [N in CallName]: Handler<N> };

/** Handlers of one domain, e.g. DomainHandlers<'system'>. */
export type DomainHandlers<D extends string> = {
  readonly [N in CallName as N extends `${D}.${string}` ? N : never]: Handler<N>;
};
