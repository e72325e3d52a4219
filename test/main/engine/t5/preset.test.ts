// preset:NAME folders (engine/t5/preset.ts): the seeded model folder and the weights-free shape
// folder an estimate reads agree on the config and the tokenizer (the same token cache); the
// shape folder holds no weights and is one per preset and tokenizer whatever the seed, while a
// model folder is one per seed; with the byte tokenizer and with a T5 tokenizer's folder.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { loadT5Config } from '../../../../src/main/engine/t5/config';
import {
  materializePresetModel,
  materializePresetShape,
  PresetTokenizerError,
} from '../../../../src/main/engine/t5/preset';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-preset-');
const SPM = join(__dirname, '../../../fixtures/t5/t5-tiny-spm');

describe('preset folders', () => {
  for (const tokenizer of ['bytes', SPM]) {
    it(`give an estimate the same config and tokenizer without weights (${tokenizer === 'bytes' ? 'bytes' : 'a T5 tokenizer'})`, async () => {
      const parent = tempDir();
      const shape = await materializePresetShape(parent, 'preset:t5-small', tokenizer);
      expect(await materializePresetShape(parent, 'preset:t5-small', tokenizer)).toBe(shape);
      const model = await materializePresetModel(parent, 'preset:t5-small', tokenizer, 1);
      const other = await materializePresetModel(parent, 'preset:t5-small', tokenizer, 2);
      expect(other).not.toBe(model);
      expect(loadT5Config(shape)).toEqual(loadT5Config(model));
      expect(readFileSync(join(shape, 'config.json'), 'utf8')).toBe(readFileSync(join(model, 'config.json'), 'utf8'));
      expect((await loadHfTokenizer(shape)).fingerprint).toBe((await loadHfTokenizer(model)).fingerprint);
      expect(existsSync(join(model, 'model.safetensors'))).toBe(true);
      expect(readdirSync(shape).filter((file) => file.endsWith('.safetensors'))).toEqual([]);
      expect(readdirSync(parent).sort()).toEqual(
        [model, other, shape].map((dir) => dir.slice(parent.length + 1)).sort(),
      );
    }, 120_000);
  }

  it("copy every tokenizer file of the tokenizer's folder, added_tokens.json too, and nothing else", async () => {
    const source = join(tempDir(), 'tokenizer');
    cpSync(SPM, source, { recursive: true });
    writeFileSync(join(source, 'added_tokens.json'), '{}');
    writeFileSync(join(source, 'spiece.model'), 'not read, but a tokenizer file');
    const shape = await materializePresetShape(tempDir(), 'preset:t5-small', source);
    const copied = readdirSync(shape).filter((file) => existsSync(join(source, file)) && file !== 'config.json');
    expect(copied.sort()).toEqual(
      [
        'added_tokens.json',
        'special_tokens_map.json',
        'spiece.model',
        'tokenizer.json',
        'tokenizer_config.json',
      ].sort(),
    );
    expect(readFileSync(join(shape, 'added_tokens.json'), 'utf8')).toBe('{}');
  }, 60_000);

  it('offer bytes for a --tokenizer folder with no tokenizer file, a model from scratch needing no particular one', async () => {
    const none = tempDir();
    await expect(materializePresetShape(tempDir(), 'preset:t5-small', none)).rejects.toThrow(
      new PresetTokenizerError(
        `${none} has no tokenizer.json; save the tokenizer there with save_pretrained() from a fast tokenizer, ` +
          'or use bytes (the byte-level tokenizer)',
      ),
    );
    // One with SentencePiece's file is to be converted: that vocabulary is the one asked for.
    const old = tempDir();
    writeFileSync(join(old, 'spiece.model'), 'a SentencePiece model');
    const refused = await materializePresetShape(tempDir(), 'preset:t5-small', old).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PresetTokenizerError);
    expect((refused as Error).message).toMatch(/^.* has only the SentencePiece spiece\.model, no tokenizer\.json/);
    expect((refused as Error).message).not.toContain('bytes');
  });
});
