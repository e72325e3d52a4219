// frontMatter.ts: a leading --- or +++ block is left out of a Markdown file, in any chunking;
// a first line that is not a fence, a block never closed and a later --- (a rule) are text.

import { describe, expect, it } from 'vitest';
import { FrontMatterFilter, type FrontMatterFence } from '../../../../src/main/engine/data/frontMatter';

function filtered(text: string, size: number): { text: string; fence: FrontMatterFence | null } {
  let out = '';
  const filter = new FrontMatterFilter((t) => (out += t));
  for (let i = 0; i < text.length; i += size) filter.push(text.slice(i, i + size));
  filter.end();
  expect(filter.hasFrontMatter).toBe(filter.fence !== null);
  return { text: out, fence: filter.fence };
}

const cases: [name: string, input: string, text: string, fence: FrontMatterFence | null][] = [
  ['YAML', '---\ntitle: My post\ndate: 2024-01-01\n---\n\n# Heading\n\nBody.\n', '\n# Heading\n\nBody.\n', '---'],
  ['TOML, CRLF', '+++\r\ntitle = "x"\r\n+++\r\nBody.\r\n', 'Body.\r\n', '+++'],
  ['a blank line inside', '---\ntags:\n\n  - a\n---\nText', 'Text', '---'],
  ['closed at the very end', '---\ntitle: only\n---', '', '---'],
  ['no fence', '# Title\n\n---\n\nAfter a rule.\n', '# Title\n\n---\n\nAfter a rule.\n', null],
  ['never closed', '---\nnot front matter\n\nJust text.\n', '---\nnot front matter\n\nJust text.\n', null],
  ['a fence of other dashes', '----\nx\n----\nText', '----\nx\n----\nText', null],
  ['short text', 'Hi', 'Hi', null],
  ['a rule opening the text', '---\nJust a paragraph.\n\n---\nMore.\n', '---\nJust a paragraph.\n\n---\nMore.\n', null],
  ['a comment, then keys', '---\n# draft\ntitle: x\n---\nText', 'Text', '---'],
];

describe('FrontMatterFilter', () => {
  it.each(cases)('%s', (_name, input, text, fence) => {
    for (const size of [1, 2, 3, 7, 1 << 20]) expect(filtered(input, size), `size ${size}`).toEqual({ text, fence });
  });
});
