// The shared error helpers: what a caught value says in words, in every process.

import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage } from '../../src/shared/errors';

describe('errorMessage', () => {
  it("gives an Error's message, a service error's included, without its name or code", () => {
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
    expect(errorMessage(new ApiError('not_found', 'no run r-1'))).toBe('no run r-1');
  });

  it('gives anything else thrown as text', () => {
    expect(errorMessage('plain words')).toBe('plain words');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});
