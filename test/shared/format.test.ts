// shared/format.ts: a count's noun and thousands separators; text clipped whole characters at a
// time; sizes in binary units, memory figures rounder; durations.
import { describe, expect, it } from 'vitest';
import {
  clipText,
  diskGivenBack,
  formatBytes,
  formatDuration,
  formatElapsed,
  formatMemory,
  plural,
  sentenceCase,
} from '../../src/shared/format';

describe('plural', () => {
  it('adds an s to the noun unless the count is 1, and separates thousands', () => {
    expect(plural(1, 'document')).toBe('1 document');
    expect(plural(0, 'document')).toBe('0 documents');
    expect(plural(20000, 'exact duplicate document')).toBe('20,000 exact duplicate documents');
  });
});

describe('clipText', () => {
  it('keeps a short text, cuts a long one with an ellipsis, never inside an emoji', () => {
    expect(clipText('short', 5)).toBe('short');
    expect(clipText('a longer text', 8)).toBe('a longe…');
    expect(clipText('ab 😀 c', 5)).toBe('ab…'); // 'ab 😀' would need 5 units, the half-emoji is dropped
    expect(clipText(`${'x'.repeat(199)}😀 tail`, 200)).toBe(`${'x'.repeat(199)}…`);
    const loneHalf = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    for (const [text, max] of [
      ['😀'.repeat(150), 200],
      ['é😀'.repeat(99), 17],
    ] as const) {
      const clipped = clipText(text, max);
      expect(clipped.length).toBeLessThanOrEqual(max);
      expect(clipped).not.toMatch(loneHalf);
    }
  });
});

describe('diskGivenBack', () => {
  it('says how much a removal gave back, and nothing when it gave none', () => {
    expect(diskGivenBack(0)).toBe('');
    expect(diskGivenBack(47_400_000)).toBe('; 45.2 MiB of disk given back');
  });
});

describe('formatBytes', () => {
  it('counts bytes below a KiB, then binary units with one decimal', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12 * 2 ** 20)).toBe('12.0 MiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatBytes(3 * 2 ** 50)).toBe('3072.0 TiB');
  });
});

describe('formatDuration', () => {
  it('seconds, then minutes and seconds, then hours and minutes; never negative', () => {
    expect(formatDuration(45_400)).toBe('45 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(7_500_000)).toBe('2 h 5 min');
    expect(formatDuration(-20)).toBe('0 s');
  });
});

describe('formatElapsed', () => {
  it('milliseconds under a second, tenths under ten seconds, then as formatDuration; never negative', () => {
    expect(formatElapsed(35.4)).toBe('35 ms');
    expect(formatElapsed(994)).toBe('994 ms');
    expect(formatElapsed(996)).toBe('1.0 s');
    expect(formatElapsed(2_449)).toBe('2.4 s');
    expect(formatElapsed(9_949)).toBe('9.9 s');
    expect(formatElapsed(9_951)).toBe('10 s');
    expect(formatElapsed(200_000)).toBe('3 min 20 s');
    expect(formatElapsed(-3)).toBe('0 ms');
  });
});

describe('formatMemory', () => {
  it('whole MiB under a GiB, then GiB with one decimal', () => {
    expect(formatMemory(380 * 2 ** 20 + 1234)).toBe('380 MiB');
    expect(formatMemory(6 * 2 ** 30)).toBe('6.0 GiB');
    expect(formatMemory(9.14 * 2 ** 30)).toBe('9.1 GiB');
  });
});

describe('sentenceCase', () => {
  it('capitalises the first letter only, and leaves an empty text empty', () => {
    expect(sentenceCase('provider auto takes the CPU here')).toBe('Provider auto takes the CPU here');
    expect(sentenceCase('éclair')).toBe('Éclair');
    expect(sentenceCase('')).toBe('');
  });
});
