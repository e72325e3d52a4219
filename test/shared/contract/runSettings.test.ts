// A run's configuration as settings: nested values under dotted keys, sorted; values in words.
import { describe, expect, it } from 'vitest';
import { formatSetting, settingEntries } from '../../../src/shared/contract/runSettings';

describe('settingEntries', () => {
  it('lists every leaf under its dotted key, sorted, lists and nulls as leaves', () => {
    expect(
      settingEntries({
        lr: 0.1,
        optimizer: { kind: 'adafactor', beta1: 0.9 },
        clipNorm: null,
        b: [1, 2],
        a: { z: { y: 1 } },
      }),
    ).toEqual([
      ['a.z.y', 1],
      ['b', [1, 2]],
      ['clipNorm', null],
      ['lr', 0.1],
      ['optimizer.beta1', 0.9],
      ['optimizer.kind', 'adafactor'],
    ]);
    expect(settingEntries({})).toEqual([]);
  });
});

describe('formatSetting', () => {
  it('says "(not set)" for none, JSON for lists and objects, the value itself otherwise', () => {
    expect(formatSetting(null)).toBe('(not set)');
    expect(formatSetting(undefined)).toBe('(not set)');
    expect(formatSetting([1, 'a'])).toBe('[1,"a"]');
    expect(formatSetting(0.002)).toBe('0.002');
    expect(formatSetting(false)).toBe('false');
    expect(formatSetting('per-document')).toBe('per-document');
    // Counts with thousands separators, as the screens write them; seeds as typed.
    expect(formatSetting(2000, 'maxSteps')).toBe('2,000');
    expect(formatSetting(999, 'evalEvery')).toBe('999');
    expect(formatSetting(1234.5, 'lr')).toBe('1234.5');
    expect(formatSetting(20261202, 'dataSeed')).toBe('20261202');
    expect(formatSetting(1234, 'seed')).toBe('1234');
    // What an empty setting means where it means more than "not set".
    expect(formatSetting(null, 'dropout')).toBe("(the model's)");
    expect(formatSetting(null, 'clipNorm')).toBe('(off)');
    expect(formatSetting(1, 'clipNorm')).toBe('1');
    expect(formatSetting(null, 'lr')).toBe('(not set)');
    // And 0 where it is not a count: onnxruntime's default threads, work only at the end.
    expect(formatSetting(0, 'threads')).toBe('0 (one per core)');
    expect(formatSetting(0, 'evalEvery')).toBe('0 (at the end only)');
    expect(formatSetting(0, 'checkpointEvery')).toBe('0 (at the end only)');
    expect(formatSetting(2, 'threads')).toBe('2');
    expect(formatSetting(0, 'warmupSteps')).toBe('0');
  });
});
