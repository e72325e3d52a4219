// Model and tokenizer references: a path stays a path (its loader says what is wrong with it),
// "bytes" stays the byte-level tokenizer, anything else goes to the models service. Through
// AppServices the masking preview and a dataset's token count take a registered model's id,
// a built-in model or a folder alike, with the same result for the same tokenizer.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppServices } from '../../../src/main/services/app';
import { modelFolder, tokenizerSource } from '../../../src/main/services/modelReference';
import type { Envelope } from '../../../src/shared/errors';
import type { MaskingPreviewResult } from '../../../src/shared/contract/masking';
import type { TokenizeResult } from '../../../src/shared/contract/datasets';
import { tempDirs } from '../../support/tmp';

const spmDir = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-modelref-');

/** A resolver that records what it was asked and answers /models/<name>. */
function recording(): { asked: string[]; resolve: (name: string) => { path: string; modelId: null } } {
  const asked: string[] = [];
  return { asked, resolve: (name) => (asked.push(name), { path: `/models/${name}`, modelId: null }) };
}

describe('modelFolder and tokenizerSource', () => {
  it('keep full paths and bytes as given and ask the models service for anything else', () => {
    const models = recording();
    const existing = tempDir();
    expect(modelFolder(models, existing)).toBe(existing);
    expect(modelFolder(models, '/no/such/folder')).toBe('/no/such/folder');
    expect(tokenizerSource(models, 'bytes')).toBe('bytes');
    expect(models.asked).toEqual([]);
    expect(modelFolder(models, 'm-1234')).toBe('/models/m-1234');
    expect(tokenizerSource(models, 'google/flan-t5-small')).toBe('/models/google/flan-t5-small');
    expect(models.asked).toEqual(['m-1234', 'google/flan-t5-small']);
  });

  it("refuse a ./ or ../ path, which over spanfill serve would be the server's working folder", () => {
    const models = recording();
    for (const relative of ['./relative', '../../../etc', '.'])
      expect(() => modelFolder(models, relative)).toThrow(
        expect.objectContaining({ code: 'invalid_input', message: expect.stringContaining('is not a full path') }),
      );
    expect(() => tokenizerSource(models, './t5')).toThrow('./t5 is not a full path');
    expect(models.asked).toEqual([]);
  });
});

const result = <T>(envelope: Envelope<unknown>): T => {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.result as T;
};

describe('a model reference as a tokenizer, through AppServices', () => {
  it('masks and counts tokens with a registered model by its id as with its folder', async () => {
    const dataDir = tempDir();
    const text = path.join(dataDir, 'notes.txt');
    fs.writeFileSync(
      text,
      Array.from({ length: 40 }, (_, i) => `Note ${i}: the cute dog walks in the park.`).join('\n\n'),
    );
    const app = new AppServices({ dataDir });
    try {
      const dataset = result<{ id: string }>(await app.call('datasets.import', { paths: [text] }));
      const model = await app.models.import({ path: spmDir, name: 'tiny spm' });
      const preview = (reference: string) =>
        app.call('masking.preview', {
          text: 'The cute dog walks in the green park',
          model: reference,
          inputLength: 16,
        });
      const byId = result<MaskingPreviewResult>(await preview(model.id));
      expect(byId).toEqual(result<MaskingPreviewResult>(await preview(spmDir)));
      expect(byId.inputIds).not.toEqual(result<MaskingPreviewResult>(await preview('bytes')).inputIds);

      const count = (reference: string) =>
        app.call('datasets.tokenize', { id: dataset.id, model: reference, inputLength: 16 });
      const countById = result<TokenizeResult>(await count(model.id));
      // The folder finds the cache the id built: one tokenizer, one cache.
      expect(result<TokenizeResult>(await count(spmDir))).toEqual({ ...countById, isCached: true });
      expect(countById.tokens).toBeGreaterThan(0);
      // The Datasets screen names the tokenizer as datasets show, mask and a run's notes do: a
      // registered model by its name, not by its folder's ("t5-tiny-spm").
      expect(countById.tokenizer).toBe('tiny spm');
      expect(byId.tokenizer).toBe('tiny spm');

      // The built-in model's tokenizer is the byte-level one: the same ids as "bytes".
      const builtin = result<MaskingPreviewResult>(await preview('builtin:byt5-tiny'));
      expect(builtin.inputIds).toEqual(result<MaskingPreviewResult>(await preview('bytes')).inputIds);

      const unknown = await preview('m-nope');
      expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(!unknown.ok && unknown.error.message).toContain('No model "m-nope"');
    } finally {
      await app.close();
    }
  });
});
