import { describe, expect, it } from 'vitest';
import { elementCount } from '../../../src/main/engine/shape';

describe('elementCount', () => {
  it('multiplies the dimensions: 1 for a scalar, 0 when a dimension is 0', () => {
    expect(elementCount([])).toBe(1);
    expect(elementCount([7])).toBe(7);
    expect(elementCount([2, 3, 4])).toBe(24);
    expect(elementCount([512, 0, 8])).toBe(0);
    expect(elementCount([32128, 512])).toBe(16_449_536);
  });
});
