// The kind of tokenizer a folder holds, from its files alone: a T5 SentencePiece (Unigram)
// tokenizer.json with its class, the byte tokenizer as written into folders (BPE over bytes, no
// merges: byte-level), a GPT-2-like BPE with merges (not byte-level), a ByT5 folder without
// tokenizer.json, and a folder with no tokenizer.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { byteTokenizerFiles } from '../../../../src/main/engine/data/tokenizerFiles';
import { tokenizerKindIn, tokenizerKindOf } from '../../../../src/main/engine/data/tokenizerKind';
import { tempDirs } from '../../../support/tmp';

const SPM = path.join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-tokenizer-kind-');

function folder(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('tokenizerKindIn', () => {
  it('reads a SentencePiece tokenizer.json as Unigram with the class its config names', () => {
    expect(tokenizerKindIn(SPM)).toEqual({ model: 'Unigram', className: 'T5Tokenizer', isByteLevel: false });
  });

  it('reads the byte tokenizer’s files as byte-level BPE', () => {
    const files = Object.fromEntries(byteTokenizerFiles(1024).map((file) => [file.name, file.bytes]));
    expect(tokenizerKindIn(folder(files))).toEqual({
      model: 'BPE',
      className: 'PreTrainedTokenizerFast',
      isByteLevel: true,
    });
  });

  it('reads a ByT5 folder (no tokenizer.json, ByT5Tokenizer named) as byte-level, and no tokenizer as null', () => {
    const byt5 = folder({ 'config.json': JSON.stringify({ tokenizer_class: 'ByT5Tokenizer' }) });
    expect(tokenizerKindIn(byt5)).toEqual({ model: null, className: 'ByT5Tokenizer', isByteLevel: true });
    expect(tokenizerKindIn(folder({ 'config.json': '{}' }))).toBeNull();
  });
});

describe('tokenizerKindOf', () => {
  it('calls a BPE with merges, or over something else than bytes, not byte-level; tolerates what is not JSON objects', () => {
    const bpe = (merges: string[], preTokenizer: string) => ({
      model: { type: 'BPE', vocab: {}, merges },
      pre_tokenizer: { type: preTokenizer },
    });
    expect(tokenizerKindOf(bpe(['Ġ t'], 'ByteLevel'), {}).isByteLevel).toBe(false);
    expect(tokenizerKindOf(bpe([], 'Whitespace'), {}).isByteLevel).toBe(false);
    expect(tokenizerKindOf(bpe([], 'ByteLevel'), { tokenizer_class: 'GPT2TokenizerFast' })).toEqual({
      model: 'BPE',
      className: 'GPT2TokenizerFast',
      isByteLevel: true,
    });
    expect(tokenizerKindOf(undefined, [1, 2])).toEqual({ model: null, className: null, isByteLevel: false });
  });
});
