// Which folders are read as ByT5 ones: no tokenizer.json, and ByT5Tokenizer named by
// tokenizer_config.json or config.json; anything else keeps its own tokenizer (or its error).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isByT5Folder } from '../../../../src/main/engine/data/byt5Folder';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-byt5-');

function folder(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const byt5Class = JSON.stringify({ tokenizer_class: 'ByT5Tokenizer' });

describe('isByT5Folder', () => {
  it('is a ByT5 folder when tokenizer_config.json or config.json names ByT5Tokenizer', () => {
    expect(isByT5Folder(folder({ 'tokenizer_config.json': byt5Class }))).toBe(true);
    expect(isByT5Folder(folder({ 'config.json': byt5Class }))).toBe(true);
  });

  it('is not one with a tokenizer.json (that is read instead), another class, none, or unreadable JSON', () => {
    expect(isByT5Folder(folder({ 'tokenizer_config.json': byt5Class, 'tokenizer.json': '{}' }))).toBe(false);
    expect(isByT5Folder(folder({ 'tokenizer_config.json': JSON.stringify({ tokenizer_class: 'T5Tokenizer' }) }))).toBe(
      false,
    );
    expect(isByT5Folder(folder({ 'config.json': '{}' }))).toBe(false);
    expect(isByT5Folder(folder({ 'tokenizer_config.json': '{"tokenizer_class": "ByT5Tok' }))).toBe(false);
    expect(isByT5Folder(path.join(tempDir(), 'missing'))).toBe(false);
  });
});
