// A screen by its hash, with or without a run's address after it; anything else is Datasets.
import { describe, expect, it } from 'vitest';
import { routeFromHash, routes } from '../../../../src/renderer/src/lib/routes';

describe('routes', () => {
  it('find every screen by its hash, with or without a run after it', () => {
    for (const { id } of routes) {
      expect(routeFromHash(`#/${id}`)).toBe(id);
      expect(routeFromHash(`#${id}`)).toBe(id);
    }
    expect(routeFromHash('#/train/r-1a2b3c4d')).toBe('train');
    expect(routeFromHash('')).toBe('datasets');
    expect(routeFromHash('#/nowhere')).toBe('datasets');
    expect(routeFromHash('#/trainer')).toBe('datasets');
  });
});
