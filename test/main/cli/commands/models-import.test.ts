// `spanfill models import DIR` in-process: in text it says first what it checks (the folder and
// its weights' size: loading and checking every tensor takes seconds to minutes), then what it
// registered (a folder registered already is told so, with no such line); --json prints the
// result alone. A folder with only SentencePiece's spiece.model (an old T5 checkpoint) is
// refused with the Python that makes its tokenizer.json, and so is the same folder given to fill.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import type { ModelRegistered } from '../../../../src/shared/contract/models';
import { jsonResult, runSpanfill as cli } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
import { FIXTURE } from '../../services/models-support';

const tempDir = tempDirs('spanfill-cli-models-import-');

/** The fixture's weights (a few hundred KiB), in KiB to one decimal, counted here. */
const fixtureWeights = `${(fs.statSync(path.join(FIXTURE, 'model.safetensors')).size / 1024).toFixed(1)} KiB`;

/** A copy of the fixture as an old T5 checkpoint keeps its tokenizer: spiece.model, no tokenizer.json. */
function oldT5Folder(): string {
  const dir = path.join(tempDir(), 'old-t5');
  fs.cpSync(FIXTURE, dir, { recursive: true });
  fs.rmSync(path.join(dir, 'tokenizer.json'));
  fs.writeFileSync(path.join(dir, 'spiece.model'), 'a SentencePiece model');
  return dir;
}

describe('spanfill models import', () => {
  it('says what it checks before it checks it, in text only', async () => {
    const data = ['--data-dir', tempDir()];
    const text = await cli(['models', 'import', FIXTURE, '--name', 'tiny', ...data]);
    expect(text.code).toBe(exitCodes.ok);
    expect(text.stderr).toBe(`Checking ${FIXTURE} (${fixtureWeights} of weights)…\n`);
    expect(text.stdout).toMatch(/^Imported\n/);
    // Again: it is registered already, which the service tells before any check; no line.
    const again = await cli(['models', 'import', FIXTURE, '--name', 'tiny', ...data]);
    expect([again.code, again.stderr]).toEqual([exitCodes.ok, '']);
    expect(again.stdout).toMatch(/^Already registered\n/);

    const json = await cli(['models', 'import', FIXTURE, '--name', 'tiny', '--json', '--data-dir', tempDir()]);
    expect([json.code, json.stderr]).toEqual([exitCodes.ok, '']);
    expect(jsonResult<{ model: ModelRegistered }>(json.stdout).model).toMatchObject({ name: 'tiny', path: FIXTURE });
  });

  it('refuses a name it cannot take before it says it checks the weights (a usage error does nothing)', async () => {
    const data = ['--data-dir', tempDir()];
    for (const name of ['bytes', 'builtin:x', 'preset:y', 'a/b']) {
      const refused = await cli(['models', 'import', FIXTURE, '--name', name, ...data]);
      expect(refused.code, name).toBe(exitCodes.usage);
      expect(refused.stderr, name).toMatch(/^spanfill models: A model (name )?cannot /);
      expect(refused.stderr, name).not.toContain('Checking');
    }
    // A folder called `bytes` gives that name when none is given: refused as soon.
    const bytesFolder = path.join(tempDir(), 'bytes');
    fs.cpSync(FIXTURE, bytesFolder, { recursive: true });
    const named = await cli(['models', 'import', bytesFolder, ...data]);
    expect(named.code).toBe(exitCodes.usage);
    expect(named.stderr).toMatch(/^spanfill models: A model cannot be named "bytes"/);
  });

  it('refuses a folder inside the data directory before it says it checks the weights', async () => {
    const dataDir = tempDir();
    const inside = path.join(dataDir, 'models', 'hub', 'copied');
    fs.cpSync(FIXTURE, inside, { recursive: true });
    const refused = await cli(['models', 'import', inside, '--data-dir', dataDir]);
    expect(refused.code).toBe(exitCodes.failure);
    expect(refused.stderr).toMatch(/^spanfill models: .* is inside Spanfill's data directory/);
  });

  it('refuses a folder with only spiece.model, giving the Python that converts it; fill says the same', async () => {
    const dir = oldT5Folder();
    const data = ['--data-dir', tempDir()];
    const recipe =
      'make one with Python (pip install transformers sentencepiece protobuf):\n' +
      'from transformers import AutoTokenizer\n' +
      `tok = AutoTokenizer.from_pretrained("${dir}", use_fast=True)  # converts spiece.model\n`;
    const imported = await cli(['models', 'import', dir, ...data]);
    expect(imported.code).toBe(exitCodes.failure);
    expect(imported.stderr).toContain(
      `spanfill models: ${dir} has only the SentencePiece spiece.model, no tokenizer.json`,
    );
    expect(imported.stderr).toContain(recipe);
    expect(imported.stderr).not.toContain('byte-level');
    const filled = await cli(['fill', '--model', dir, 'The <extra_id_0> park', ...data]);
    expect(filled.code).toBe(exitCodes.failure);
    expect(filled.stderr).toContain(recipe);
    expect(filled.stderr).not.toContain('byte-level');
  });
});
