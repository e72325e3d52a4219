// The contract: every call grouped by domain, plus the types derived from it that main,
// preload, the browser transport and the renderer all share.

import type { z } from 'zod';
import type { CallSpec } from './define';
import { datasetCalls } from './datasets';
import { exportCalls } from './export';
import { maskingCalls } from './masking';
import { modelCalls } from './models';
import { playgroundCalls } from './playground';
import { runCalls } from './runs';
import { systemCalls } from './system';

export const contract = {
  system: systemCalls,
  datasets: datasetCalls,
  masking: maskingCalls,
  runs: runCalls,
  models: modelCalls,
  playground: playgroundCalls,
  export: exportCalls,
} satisfies Record<string, Record<string, CallSpec<z.ZodType, unknown>>>;

export type Contract = typeof contract;
export type Domain = keyof Contract;

/** Every call as "domain.name", e.g. "system.info". */
export type CallName = {
  [D in Domain]: `${D}.${Extract<keyof Contract[D], string>}`;
}[Domain];

type SpecOf<N extends CallName> = N extends `${infer D}.${infer C}`
  ? D extends Domain
    ? C extends keyof Contract[D]
      ? Contract[D][C]
      : never
    : never
  : never;

/** What a caller passes (before defaults are applied by the schema). */
export type ArgsOf<N extends CallName> = SpecOf<N> extends CallSpec<infer A, unknown> ? z.input<A> : never;
/** What a handler receives after validation. */
export type ParsedArgsOf<N extends CallName> = SpecOf<N> extends CallSpec<infer A, unknown> ? z.output<A> : never;
export type ResultOf<N extends CallName> = SpecOf<N> extends CallSpec<z.ZodType, infer R> ? R : never;

/** The grouped, promise-returning API the renderer and CLI program against: api.system.info({}). */
export type Api = {
  [D in Domain]: {
    [C in Extract<keyof Contract[D], string>]: (
      args: ArgsOf<Extract<`${D}.${C}`, CallName>>,
    ) => Promise<ResultOf<Extract<`${D}.${C}`, CallName>>>;
  };
};

/** Look a call's spec up by its dotted name; undefined for unknown names. */
export function findCall(name: string): CallSpec<z.ZodType, unknown> | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0) return undefined;
  const domain = name.slice(0, dot);
  const callName = name.slice(dot + 1);
  if (!Object.hasOwn(contract, domain)) return undefined;
  const calls: Record<string, CallSpec<z.ZodType, unknown>> = contract[domain as Domain];
  return Object.hasOwn(calls, callName) ? calls[callName] : undefined;
}

export function listCallNames(): CallName[] {
  const names: string[] = [];
  for (const [domain, calls] of Object.entries(contract)) {
    for (const callName of Object.keys(calls)) names.push(`${domain}.${callName}`);
  }
  return names as CallName[];
}

export type { CallSpec } from './define';
export type { ProviderStatus, SystemInfo, PingResult } from './system';
