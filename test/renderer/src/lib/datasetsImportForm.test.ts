// The Datasets screen's import form: the options sent with the paths (a blank box is the
// service's choice), and a refusal of typed paths with the hint for several on one line.
import { describe, expect, it } from 'vitest';
import { blankImportForm, importOptions, withPathsHint } from '../../../../src/renderer/src/lib/datasetsImportForm';

describe('importOptions', () => {
  it("leaves a blank field or column and an 'auto' split to the service, and sends the rest as typed", () => {
    expect(importOptions(blankImportForm())).toEqual({
      field: undefined,
      column: undefined,
      split: undefined,
      nfkc: false,
      collapseWhitespace: false,
    });
    const form = { ...blankImportForm(), field: ' body ', column: 'text', split: 'line' as const, nfkc: true };
    expect(importOptions(form)).toMatchObject({ field: 'body', column: 'text', split: 'line', nfkc: true });
  });
});

describe('withPathsHint', () => {
  const line = '/tmp/x/plain.txt /tmp/x/other.txt';

  it('adds "one path per line" to the refusal as a sentence of its own', () => {
    const hint = `Give one path per line: "${line}" looks like 2 paths on one line.`;
    expect(withPathsHint(`${line} does not exist`, [line])).toBe(`${line} does not exist. ${hint}`);
    expect(withPathsHint(`${line} does not exist.`, [line])).toBe(`${line} does not exist. ${hint}`);
    expect(withPathsHint(`Is ${line} does not exist?`, [line])).toBe(`Is ${line} does not exist? ${hint}`);
  });

  it('leaves a refusal with no such line as it is', () => {
    expect(withPathsHint('/tmp/x/a.txt does not exist', ['/tmp/x/a.txt'])).toBe('/tmp/x/a.txt does not exist');
  });
});
