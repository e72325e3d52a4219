// contractMessages: a bound without a message of its own is said in words that name the field
// (numbers, text and list lengths), as is a value outside an enum; a schema's own message still
// wins, and anything else keeps zod's message.

import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { contractMessages, renameFields } from '../../../src/shared/contract/issues';
import { runConfigSchema } from '../../../src/shared/contract/runs';

const messages = (schema: z.ZodType, value: unknown): string[] =>
  schema.safeParse(value, { error: contractMessages }).error?.issues.map((issue) => issue.message) ?? [];

describe('contractMessages', () => {
  const schema = z.strictObject({
    config: z.strictObject({
      batchSize: z.number().int().min(1).max(4096).optional(),
      rate: z.number().gt(0).lt(1).optional(),
      lr: z.number().positive('lr must be > 0').optional(),
      name: z.string().min(1).max(5).optional(),
      ids: z.array(z.string()).min(2).max(3).optional(),
      tags: z.array(z.string()).min(1).optional(),
      code: z.string().min(3).optional(),
    }),
  });

  it('names the field and the bound of a number', () => {
    expect(messages(schema, { config: { batchSize: 0 } })).toEqual(['batchSize must be ≥ 1']);
    expect(messages(schema, { config: { batchSize: 5000 } })).toEqual(['batchSize must be ≤ 4096']);
    expect(messages(schema, { config: { rate: 0 } })).toEqual(['rate must be > 0']);
    expect(messages(schema, { config: { rate: 1 } })).toEqual(['rate must be < 1']);
  });

  it('says how long a text or list may be', () => {
    expect(messages(schema, { config: { name: '' } })).toEqual(['name must not be empty']);
    expect(messages(schema, { config: { name: 'toolong' } })).toEqual(['name may have at most 5 characters']);
    expect(messages(schema, { config: { code: 'ab' } })).toEqual(['code needs at least 3 characters']);
    expect(messages(schema, { config: { ids: ['a'] } })).toEqual(['ids needs at least 2 items']);
    expect(messages(schema, { config: { tags: [] } })).toEqual(['tags needs at least 1 item']);
    expect(messages(schema, { config: { ids: ['a', 'b', 'c', 'd'] } })).toEqual(['ids may have at most 3 items']);
  });

  it('says a number field left empty needs a number', () => {
    for (const empty of [null, undefined, Number.NaN])
      expect(messages(z.strictObject({ maxNewTokens: z.number() }), { maxNewTokens: empty })).toEqual([
        'maxNewTokens needs a number',
      ]);
  });

  it('says a fraction where a whole number belongs must be a whole number', () => {
    expect(messages(schema, { config: { batchSize: 2.5 } })).toEqual(['batchSize must be a whole number']);
    expect(messages(z.number().int(), 1.5)).toEqual(['the value must be a whole number']);
  });

  it("names an enum field's choices and the value given", () => {
    const mode = z.strictObject({ masking: z.enum(['packed', 'per-document']) });
    expect(messages(mode, { masking: 'packd' })).toEqual(["masking must be one of: packed, per-document; got 'packd'"]);
    expect(messages(mode, { masking: 3 })).toEqual(['masking must be one of: packed, per-document']);
  });

  it("keeps a schema's own message, and zod's for other kinds of issue", () => {
    expect(messages(schema, { config: { lr: -1 } })).toEqual(['lr must be > 0']);
    const [typeMessage] = messages(schema, { config: { batchSize: 'eight' } });
    expect(typeMessage).toBe(schema.safeParse({ config: { batchSize: 'eight' } }).error?.issues[0].message);
    expect(messages(z.number().min(3), 1)).toEqual(['the value must be ≥ 3']);
  });

  it('gives every bounded number field of a run configuration a message that names it', () => {
    // Derived from the schema: each field whose value 0 or -1e9 or 1e9 falls outside it.
    const base = { model: '/m', datasetId: 'ds-1' };
    const shape = runConfigSchema.shape as Record<string, z.ZodType>;
    let checked = 0;
    for (const [key, field] of Object.entries(shape)) {
      for (const value of [-1e9, 1e9]) {
        if (field.safeParse(value).success || (!field.safeParse(1).success && !field.safeParse(0.5).success)) continue;
        const [message] = messages(runConfigSchema, { ...base, [key]: value });
        expect(message, `${key} = ${value}`).toMatch(new RegExp(`^${key} `));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('renameFields', () => {
  it('renames each camelCase word the caller knows, at its offset, and leaves every other word', () => {
    const text = 'maxSteps (205) must be a multiple of stepsPerCall; lr and gradNorm stay';
    const seen: [string, number][] = [];
    const renamed = renameFields(text, (word, at) => {
      seen.push([word, at]);
      return word === 'gradNorm' ? undefined : word.toUpperCase();
    });
    expect(renamed).toBe('MAXSTEPS (205) must be a multiple of STEPSPERCALL; lr and gradNorm stay');
    expect(seen).toEqual([
      ['maxSteps', 0],
      ['stepsPerCall', text.indexOf('stepsPerCall')],
      ['gradNorm', text.indexOf('gradNorm')],
    ]);
  });
});
