// What a call handler is: one async function per contract call, keyed by "domain.name", with
// the call's context (its cancel signal and its caller) as an optional second argument. The
// Handlers type requires an entry for every call in the contract, so adding a call without its
// handler fails to compile. Domain services import these types from here and handlers.ts imports the
// domains, so neither imports the other.

import type { CallName, ParsedArgsOf, ResultOf } from '../../shared/contract';

/** What a transport tells a handler about the call besides its arguments. */
export interface CallContext {
  /**
   * Aborts when nobody waits for the answer any more: the caller's connection closed (a
   * reload, a closed tab or window). Work that takes long should stop on it; none if the
   * transport cannot tell.
   */
  readonly signal?: AbortSignal;
  /**
   * Who made the call, as an identity to compare and nothing to read: one object per WebSocket
   * connection (a browser tab's page) or per page of a desktop window, the same for all of that
   * page's calls and another after a reload. Work kept for later calls is kept per caller (the
   * Playground's Stop stops its own caller's fills). None when the transport cannot tell (the
   * CLI, calls made in this process): such calls are all one caller.
   */
  readonly caller?: object;
}

/** A handler may leave out `context`: most calls are quick and finish whoever waits. */
export type Handler<N extends CallName> = (args: ParsedArgsOf<N>, context?: CallContext) => Promise<ResultOf<N>>;

export type Handlers = { readonly [N in CallName]: Handler<N> };

/** Handlers of one domain, e.g. DomainHandlers<'system'>. */
export type DomainHandlers<D extends string> = {
  readonly [N in CallName as N extends `${D}.${string}` ? N : never]: Handler<N>;
};
