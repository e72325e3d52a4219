// services/errors.ts: a full disk is recognised in Node's and SQLite's words and said once with
// what to do; anything else, and a message that already says so, is left as it is.
import { describe, expect, it } from 'vitest';
import { withDiskFullHint } from '../../../src/main/services/errors';

describe('withDiskFullHint', () => {
  it.each([
    'ENOSPC: no space left on device, write',
    "EDQUOT: disk quota exceeded, open '/d/tokens/x.bin'",
    'database or disk is full',
    'SQLITE_FULL.',
  ])('adds what to do to %j', (message) => {
    const said = withDiskFullHint(message);
    expect(said.startsWith(message.replace(/\.$/, ''))).toBe(true);
    expect(said).toMatch(/\. The disk is full: free space on the disk it was writing to \(on the data directory's, /);
    expect(said).toMatch(/then try again$/);
  });

  it('leaves other messages, and one that already says the disk is full, as they are', () => {
    expect(withDiskFullHint('std::bad_alloc')).toBe('std::bad_alloc');
    const run = 'ENOSPC: no space left on device, write. The disk is full. Its checkpoints are kept; …';
    expect(withDiskFullHint(run)).toBe(run);
  });
});
