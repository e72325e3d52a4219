// Every string and list any call of the contract takes has a most length (bounded.ts says why):
// found by walking each call's argument schema, so a call or field added later is checked too.

import { describe, expect, it } from 'vitest';
import { z as zod, type z } from 'zod';
import { contract } from '../../../src/shared/contract';
import { dispatchCall } from '../../../src/main/services/dispatch';
import type { Handlers } from '../../../src/main/services/handler';

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: { readonly check: string } } }[];
  readonly [key: string]: unknown;
}

const defOf = (schema: unknown): Def => (schema as z.ZodType)._zod.def as unknown as Def;

const hasMostLength = (def: Def): boolean =>
  (def.checks ?? []).some((check) => ['max_length', 'length_equals'].includes(check._zod.def.check));

/** The schemas inside `def` (an object's fields, a list's items, what an optional wraps, …) by path. */
function children(def: Def, at: string): [string, unknown][] {
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, unknown>).map(([key, value]) => [`${at}.${key}`, value]);
    case 'array':
      return [[`${at}[]`, def.element]];
    case 'union':
      return (def.options as unknown[]).map((option, i) => [`${at}|${i}`, option]);
    case 'pipe':
      return [[at, def.in]];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return [[at, def.innerType]];
    case 'string':
    case 'number':
    case 'boolean':
    case 'literal':
    case 'enum':
      return [];
    default:
      throw new Error(`${at}: the walk does not know zod's '${def.type}' yet; teach it`);
  }
}

/** Paths of the strings and lists under `schema` without a most length. */
function unbounded(schema: unknown, at: string): string[] {
  const def = defOf(schema);
  const own = (def.type === 'string' || def.type === 'array') && !hasMostLength(def) ? [at] : [];
  return [...own, ...children(def, at).flatMap(([where, child]) => unbounded(child, where))];
}

const calls = Object.entries(contract).flatMap(([domain, domainCalls]) =>
  Object.entries(domainCalls as Record<string, { args: unknown }>).map(([name, spec]) => [`${domain}.${name}`, spec]),
) as [string, { args: unknown }][];

describe('the bounds of call arguments', () => {
  it('walks every call, and finds an unbounded string or list where there is one', () => {
    expect(calls.length).toBeGreaterThan(30);
    const made = zod.strictObject({
      a: zod.string().min(1),
      b: zod.array(zod.string().max(3)).optional(),
      c: zod.union([zod.literal('x'), zod.strictObject({ d: zod.string().max(9).nullable().default(null) })]),
      e: zod.array(zod.number()).max(2).default([]),
    });
    expect(unbounded(made, '(args)')).toEqual(['(args).a', '(args).b']);
    expect(unbounded(made.extend({ f: zod.string().default('') }), '(args)')).toContain('(args).f');
  });

  it.each(calls)('%s takes no string or list without a most length', (_name, spec) => {
    expect(unbounded(spec.args, '(args)')).toEqual([]);
  });

  it('refuses a list of millions of items in a short message, before judging each item', async () => {
    const paths = Array.from({ length: 200_000 }, () => 0);
    const envelope = await dispatchCall({} as Handlers, 'datasets.import', { paths });
    expect(envelope).toEqual({
      ok: false,
      error: {
        code: 'invalid_argument',
        message:
          "Invalid argument for datasets.import: field 'paths': at most 100,000 paths at once; import their folder instead",
      },
    });
  });
});
