// inspectModelFolder (engine/hub/inspect.ts), what import and every pull check a folder with: its
// config.json, then its tokenizer, then every weight. The tokenizer is opened before the weights
// are loaded (15–20 s for t5-base), so a folder whose tokenizer Spanfill cannot load is refused
// at once: shown here by weights that would fail to load, which are never reached.

import { cpSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissingTokenizerError } from '../../../../src/main/engine/data/missingTokenizer';
import { inspectModelFolder } from '../../../../src/main/engine/hub/inspect';
import { T5ConfigError } from '../../../../src/main/engine/t5/config';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-inspect-');
const FIXTURE = path.join(__dirname, '../../../fixtures/t5/t5-tiny-spm');

/** A copy of the fixture whose weights file is cut short: loading its weights fails. */
function withCutWeights(): string {
  const dir = path.join(tempDir(), 'model');
  cpSync(FIXTURE, dir, { recursive: true });
  const weights = path.join(dir, 'model.safetensors');
  truncateSync(weights, statSync(weights).size - 1000);
  return dir;
}

describe('inspectModelFolder', () => {
  it('refuses a folder with only spiece.model for its tokenizer before loading any weight', async () => {
    const dir = withCutWeights();
    rmSync(path.join(dir, 'tokenizer.json'));
    writeFileSync(path.join(dir, 'spiece.model'), 'a SentencePiece model');
    const refused = await inspectModelFolder(dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MissingTokenizerError);
    expect((refused as Error).message).toContain(`${dir} has only the SentencePiece spiece.model, no tokenizer.json`);
  });

  it('refuses a tokenizer of another model (more ids than vocab_size) before loading any weight', async () => {
    const dir = withCutWeights();
    const configPath = path.join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as object;
    writeFileSync(configPath, JSON.stringify({ ...config, vocab_size: 10 }));
    await expect(inspectModelFolder(dir)).rejects.toThrow(/has \d+ token ids but config\.json's vocab_size is 10/);
  });

  it('says a config.json that does not read first, whatever else the folder lacks', async () => {
    const dir = withCutWeights();
    rmSync(path.join(dir, 'tokenizer.json'));
    writeFileSync(path.join(dir, 'config.json'), '{bad');
    await expect(inspectModelFolder(dir)).rejects.toBeInstanceOf(T5ConfigError);
  });

  it('still loads every weight: weights cut short are refused where the tokenizer loads', async () => {
    await expect(inspectModelFolder(withCutWeights())).rejects.toThrow(/truncated|ends at data byte/);
    await expect(inspectModelFolder(FIXTURE)).resolves.toMatchObject({ modelType: 't5' });
  });
});
