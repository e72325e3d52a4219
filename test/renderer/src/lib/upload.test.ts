// The default name of a dataset made from dropped or picked files (lib/upload.ts describePicked):
// the same rule as any name, so a long or odd file name imports instead of failing the call.

import { describe, expect, it } from 'vitest';
import { displayNameSchema } from '../../../../src/shared/contract/displayName';
import { describePicked, type PickedFile } from '../../../../src/renderer/src/lib/upload';

const picked = (...names: string[]): PickedFile[] => names.map((name) => ({ file: new File(['x'], name), name }));

describe('describePicked', () => {
  it('names one file, a folder, or the first of several', () => {
    expect(describePicked(picked('notes.txt'))).toBe('notes.txt');
    expect(describePicked(picked('book/ch1.txt', 'book/ch2.txt'))).toBe('book');
    expect(describePicked(picked('a.txt', 'b.txt', 'c/d.txt'))).toBe('a.txt and 2 more');
  });

  it('keeps to the name rule: long names cut with an ellipsis, control characters as spaces', () => {
    const long = `${'x'.repeat(200)}.txt`;
    for (const files of [picked(long), picked(long, 'b.txt'), picked('tab\there.txt')]) {
      const name = describePicked(files);
      expect(displayNameSchema.safeParse(name).success, name).toBe(true);
    }
    expect(describePicked(picked(long))).toBe(`${'x'.repeat(199)}…`);
    expect(describePicked(picked(long, 'b.txt'))).toBe(`${'x'.repeat(188)}… and 1 more`);
    expect(describePicked(picked('tab\there.txt'))).toBe('tab here.txt');
  });
});
