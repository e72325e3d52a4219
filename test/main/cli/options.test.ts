// cli/options.ts: choices, numbers and contract checks that refuse in the command's words.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../../../src/main/cli/command';
import { checkedArgs, choiceOption, numberOption, oneOf } from '../../../src/main/cli/options';

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

describe('numberOption', () => {
  it('reads a number as people write one, and a whole number for an integer', () => {
    expect(numberOption('lr', undefined)).toBeUndefined();
    for (const [raw, value] of [
      ['2', 2],
      ['-0.5', -0.5],
      ['+3', 3],
      ['.5', 0.5],
      ['5.', 5],
      ['1e-3', 0.001],
      ['2E2', 200],
    ] as const)
      expect(numberOption('lr', raw), raw).toBe(value);
    expect(numberOption('seed', '42', { range: { min: 0, max: 100 }, isWhole: true })).toBe(42);
    expect(numberOption('seed', '-7', { range: { min: -10, max: 100 }, isWhole: true })).toBe(-7);
  });

  it("refuses what Number() reads but nobody writes as a number: '', padding, hex, binary, Infinity", () => {
    for (const raw of ['', ' ', ' 5', '5 ', '0x10', '0b1', '0o7', 'Infinity', '1_000', '1,5', 'NaN', '1e999'])
      expect(() => numberOption('lr', raw), JSON.stringify(raw)).toThrow(
        new UsageError(`--lr must be a number, got '${raw}'`),
      );
    expect(() => numberOption('density', '0x0', { range: { min: 0, max: 1 } })).toThrow(
      new UsageError("--density must be a number from 0 to 1, got '0x0'"),
    );
  });

  it('takes only digits for an integer (no exponent, no point), within its range', () => {
    const port = { range: { min: 1, max: 65535 }, isWhole: true };
    for (const raw of ['', ' 18788', '+18788', '0x4975', '1e4', '10.0', '10.5', '70000', '0'])
      expect(() => numberOption('port', raw, port), JSON.stringify(raw)).toThrow(
        new UsageError(`--port must be an integer from 1 to 65535, got '${raw}'`),
      );
  });
});
