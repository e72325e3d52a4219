// cli/options.ts: choices and contract checks that refuse in the command's words.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../../../src/main/cli/command';
import { checkedArgs, choiceOption, oneOf } from '../../../src/main/cli/options';

describe('choices', () => {
  it('passes a choice, and names the flag or setting and every choice when refusing', () => {
    expect(choiceOption('mode', undefined, ['a', 'b'])).toBeUndefined();
    expect(choiceOption('mode', 'b', ['a', 'b'])).toBe('b');
    expect(() => choiceOption('mode', 'c', ['a', 'b'])).toThrow(new UsageError("--mode must be one of: a, b; got 'c'"));
    expect(() => oneOf('provider', 'gpu', ['cpu'])).toThrow(new UsageError("provider must be one of: cpu; got 'gpu'"));
  });
});

describe('checkedArgs', () => {
  const schema = z.strictObject({
    name: z.string().trim().min(1, 'a name cannot be empty'),
    cpuThreads: z.number().max(8),
  });
  it("refuses with the contract's message alone, a field in the command's name", () => {
    expect(() => checkedArgs(schema, { name: 'x', cpuThreads: 2 })).not.toThrow();
    expect(() => checkedArgs(schema, { name: ' ', cpuThreads: 2 })).toThrow(new UsageError('a name cannot be empty'));
    expect(() => checkedArgs(schema, { name: 'x', cpuThreads: 9 }, { cpuThreads: 'threads' })).toThrow(
      new UsageError('threads must be ≤ 8'),
    );
  });
});
