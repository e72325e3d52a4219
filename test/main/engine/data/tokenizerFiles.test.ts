// The tokenizer files a folder takes from another, and ByT5 folders read with the byte
// tokenizer: ByT5's ids (UTF-8 byte b is b + 3 after <pad> 0, </s> 1, <unk> 2; <extra_id_n> is
// 383 - n, the top of its 384 ids: Xue et al. 2021, T5's sentinel order), and the same
// tokenizer (fingerprint, so the same token caches) as the files a checkpoint of it gets.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTokenizer } from '../../../../src/main/engine/data/tokenizerRegistry';
import { placeTokenizerFiles, tokenizerFilesOf } from '../../../../src/main/engine/data/tokenizerFiles';
import { writeByT5Folder } from '../../../support/byt5Folder';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-tokfiles-');
const SPM_DIR = path.join(__dirname, '../../../fixtures/t5/t5-tiny-spm');

describe('tokenizerFilesOf', () => {
  it('copies the tokenizer files a folder has, by path', () => {
    const files = tokenizerFilesOf(SPM_DIR);
    const present = [
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
      'spiece.model',
      'added_tokens.json',
    ].filter((name) => fs.existsSync(path.join(SPM_DIR, name)));
    expect(files).toEqual(present.map((name) => ({ name, from: path.join(SPM_DIR, name) })));
  });

  it('gives a ByT5 folder the byte tokenizer as files, which load as the folder itself does', async () => {
    const byt5 = writeByT5Folder(path.join(tempDir(), 'byt5-small'));
    const files = tokenizerFilesOf(byt5);
    expect(files.map((file) => file.name)).toEqual([
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
    ]);
    expect(files.every((file) => 'bytes' in file)).toBe(true);
    const checkpoint = tempDir();
    placeTokenizerFiles(files, checkpoint);
    const [fromFolder, fromCheckpoint] = [await openTokenizer(byt5), await openTokenizer(checkpoint)];
    expect(fromFolder.name).toBe('byt5-small');
    expect(fromFolder.fingerprint).toBe(fromCheckpoint.fingerprint);
    const text = 'ab <extra_id_0>é<extra_id_1></s>';
    const bytes = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => b + 3);
    const expected = [...bytes('ab '), 383, ...bytes('é'), 382, 1];
    expect(fromFolder.encode(text)).toEqual(expected);
    expect(fromCheckpoint.encode(text)).toEqual(expected);
    expect(fromFolder.decode(expected)).toBe(text);
    expect([fromFolder.vocabSize, fromFolder.sentinelCount, fromFolder.padId, fromFolder.eosId]).toEqual([
      384, 125, 0, 1,
    ]);
  });
});
