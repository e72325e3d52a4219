// A number schema's bounds, read through its wrappers, for the boxes that show them.

import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { numberBounds } from '../../../../src/renderer/src/lib/schemaBounds';

describe('numberBounds', () => {
  it('reads min and max through optional, nullable and default, leaving out what is unbounded', () => {
    expect(numberBounds(z.number().int().min(1).max(4096).default(8))).toEqual({ min: 1, max: 4096 });
    expect(numberBounds(z.number().min(0).lt(1).nullable().default(null))).toEqual({ min: 0, max: 1 });
    expect(numberBounds(z.number().positive().nullable().optional())).toEqual({ min: 0 });
    expect(numberBounds(z.number())).toEqual({});
  });

  it('refuses a schema that is not a number', () => {
    expect(() => numberBounds(z.enum(['cpu', 'cuda']).optional())).toThrow('not a number schema: enum');
  });
});
