// The shared error helpers: what a caught value says in words, in every process.

import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, isDiskFull } from '../../src/shared/errors';

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

describe('isDiskFull', () => {
  it("knows Node's and SQLite's words for a full disk or quota, in an error or a message", () => {
    expect(isDiskFull(new Error('ENOSPC: no space left on device, write'))).toBe(true);
    expect(isDiskFull("EDQUOT: disk quota exceeded, open '/d/x'")).toBe(true);
    expect(isDiskFull(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe(true);
    expect(isDiskFull(new Error('std::bad_alloc'))).toBe(false);
    expect(isDiskFull('The run ran out of memory')).toBe(false);
  });

  it("knows a full disk already said in Spanfill's words, without Node's or SQLite's", () => {
    expect(isDiskFull(new Error('Could not store the upload. The disk is full: free space on …, then try again'))).toBe(
      true,
    );
    expect(isDiskFull('The disk is full. Its checkpoints are kept; …')).toBe(true);
  });
});
