// displayName.ts: a given name is trimmed, one line, 1 to 200 characters, each refusal in
// words; a default name taken from a file or folder name is made to follow the same rule.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { displayNameSchema, nameFromFile, optionalDisplayName } from '../../../src/shared/contract/displayName';

describe('optionalDisplayName', () => {
  it('trims a name and refuses an empty one, one over 200 characters and one with control characters', () => {
    expect(optionalDisplayName(undefined)).toBeUndefined();
    expect(optionalDisplayName('  my notes ')).toBe('my notes');
    const refusals: [string, string][] = [
      ['   ', 'name: a name cannot be empty'],
      ['x'.repeat(201), 'name: a name may have at most 200 characters'],
      ['two\nlines', 'name: a name cannot hold line breaks, tabs or other control characters'],
      ['red\u001b[31m', 'name: a name cannot hold line breaks, tabs or other control characters'],
    ];
    for (const [name, message] of refusals)
      expect(() => optionalDisplayName(name)).toThrow(new ApiError('invalid_argument', message));
    expect(optionalDisplayName('x'.repeat(200))).toHaveLength(200);
  });
});

describe('nameFromFile', () => {
  it('turns control characters into spaces, so an escape sequence never reaches a terminal', () => {
    expect(nameFromFile('evil\nname\u001b[31m.txt', 'dataset')).toBe('evil name [31m.txt');
    expect(nameFromFile('tab\t\tand\u007fdel.md', 'dataset')).toBe('tab and del.md');
    expect(nameFromFile('notes.txt', 'dataset')).toBe('notes.txt');
  });

  it('cuts a long name to 200 characters with an ellipsis, never inside a character', () => {
    const long = nameFromFile(`${'a'.repeat(198)}😀${'b'.repeat(60)}.txt`, 'dataset');
    expect(long).toBe(`${'a'.repeat(198)}…`); // the emoji would have been cut in half
    expect(nameFromFile('c'.repeat(250), 'dataset')).toBe(`${'c'.repeat(199)}…`);
    for (const name of [long, nameFromFile('c'.repeat(250), 'x')])
      expect(displayNameSchema.safeParse(name).success).toBe(true);
  });

  it('falls back when nothing printable is left', () => {
    expect(nameFromFile('\n\t ', 'dataset')).toBe('dataset');
  });
});
