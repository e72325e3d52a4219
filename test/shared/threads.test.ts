// threads.ts: a note only for more threads than the machine has (0, its own number and fewer
// are fine; before the machine is known nothing is said).

import { describe, expect, it } from 'vitest';
import { threadsOverMachine } from '../../src/shared/threads';

describe('threadsOverMachine', () => {
  it("says so for more threads than the machine's, naming its number", () => {
    expect(threadsOverMachine(1000, 2)).toBe(
      "More than this machine's 2 CPU threads: the extra ones only take turns on the same cores, which is usually slower, not faster.",
    );
    expect(threadsOverMachine(3, 2)).toMatch(/^More than this machine's 2 CPU threads/);
  });

  it('says nothing for 0 (onnxruntime decides), the machine’s own number or fewer, or an unknown machine', () => {
    for (const threads of [0, 1, 2]) expect(threadsOverMachine(threads, 2)).toBeUndefined();
    expect(threadsOverMachine(1000, undefined)).toBeUndefined();
    expect(threadsOverMachine(Number.NaN, 2)).toBeUndefined();
  });
});
