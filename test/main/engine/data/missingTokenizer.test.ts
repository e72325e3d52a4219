// A model folder without tokenizer.json, as its loaders meet it: one with only SentencePiece's
// spiece.model (old T5 checkpoints) is told so, with the Python (and the packages it needs)
// that converts it, never to use the byte-level tokenizer, whose ids its embeddings do not
// index; one with no tokenizer file at all is told to save one. Both through the tokenizer a
// name opens (openTokenizer: fill, mask, train, import) and the folder loader itself.

import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../../src/main/engine/data/errors';
import { MissingTokenizerError } from '../../../../src/main/engine/data/missingTokenizer';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { openTokenizer } from '../../../../src/main/engine/data/tokenizerRegistry';
import { tempDirs } from '../../../support/tmp';

const FIXTURE = join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-missing-tok-');

/** The fixture without its tokenizer.json: with a spiece.model beside its configs when `withSpiece`. */
function folderWithout(withSpiece: boolean): string {
  const dir = join(tempDir(), 'old-t5');
  cpSync(FIXTURE, dir, { recursive: true });
  rmSync(join(dir, 'tokenizer.json'));
  if (withSpiece) writeFileSync(join(dir, 'spiece.model'), 'a SentencePiece model (Spanfill never reads it)');
  return dir;
}

describe('a model folder without tokenizer.json', () => {
  it('with spiece.model: names it and gives the Python, with its packages, that writes tokenizer.json', async () => {
    const dir = folderWithout(true);
    const expected =
      `${dir} has only the SentencePiece spiece.model, no tokenizer.json (the file Spanfill reads a tokenizer from); ` +
      'make one with Python (pip install transformers sentencepiece protobuf):\n' +
      'from transformers import AutoTokenizer\n' +
      `tok = AutoTokenizer.from_pretrained("${dir}", use_fast=True)  # converts spiece.model\n` +
      'tok.save_pretrained("my-model")  # writes tokenizer.json; copy the model files there, then `spanfill models import my-model`';
    for (const load of [() => openTokenizer(dir), () => loadHfTokenizer(dir)]) {
      const error = await load().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataError);
      expect(error).toMatchObject({ code: 'tokenizer', file: dir, hasSentencePiece: true, message: expected });
      expect((error as Error).message).not.toContain('byte-level');
    }
  });

  it('with no tokenizer file at all: says to save one, and nothing of the byte-level tokenizer', async () => {
    const dir = folderWithout(false);
    const error = await openTokenizer(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingTokenizerError);
    expect(error).toMatchObject({
      code: 'tokenizer',
      hasSentencePiece: false,
      message: `${dir} has no tokenizer.json; save the tokenizer there with save_pretrained() from a fast tokenizer`,
    });
  });
});
