// The least and greatest value a number schema of the contract takes, for a number box's spinner
// and its check as it is typed (screens/train/fields.ts): read from the schema, so the box and
// the call it makes cannot disagree.

import { z } from 'zod';

export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * `schema`'s bounds through optional, nullable and default wrappers; one it does not have is left
 * out. An exclusive bound (lr's > 0) is given as its edge: the schema's own message says the rest.
 */
export function numberBounds(schema: z.ZodType): NumberBounds {
  let inner = schema;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable || inner instanceof z.ZodDefault)
    inner = inner.unwrap() as z.ZodType;
  if (!(inner instanceof z.ZodNumber)) throw new Error(`not a number schema: ${inner.def.type}`);
  // Unbounded, zod says ±Infinity (or null).
  const finite = (value: number | null): value is number => value !== null && Number.isFinite(value);
  const { minValue: min, maxValue: max } = inner;
  return { ...(finite(min) ? { min } : {}), ...(finite(max) ? { max } : {}) };
}
