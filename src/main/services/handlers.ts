// The handler table: one async function per contract call, keyed by "domain.name". The
// Handlers type requires an entry for every call in the contract, so adding a call without
// its handler fails to compile. Each domain's handlers live in services/<domain>.ts.

import type { CallName, ParsedArgsOf, ResultOf } from '../../shared/contract';
import type { AppServices } from './app';
import { datasetHandlers } from './datasets';
import { maskingHandlers } from './masking';
import { modelHandlers } from './models';
import { systemHandlers } from './system';

export type Handler<N extends CallName> = (args: ParsedArgsOf<N>) => Promise<ResultOf<N>>;

export type Handlers = { readonly [N in CallName]: Handler<N> };

/** Handlers of one domain, e.g. DomainHandlers<'system'>. */
export type DomainHandlers<D extends string> = {
  readonly [N in CallName as N extends `${D}.${string}` ? N : never]: Handler<N>;
};

export function createHandlers(services: AppServices): Handlers {
  return {
    ...systemHandlers(services),
    ...datasetHandlers(services),
    ...maskingHandlers(services),
    ...modelHandlers(services),
  };
}
