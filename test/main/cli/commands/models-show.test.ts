// `spanfill models show MODEL` in-process: an imported folder by name, id or ./relative folder,
// in text and as --json; the built-in model (not written out by showing it); a model that is
// not there (exit 1, as `models rm` answers it) and no model at all (exit 2); and the help.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import type { ModelDetails, ModelSummary } from '../../../../src/shared/contract/models';
import { jsonResult, runSpanfill as cli } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
import { FIXTURE, fixtureParameters } from '../../services/models-support';

const tempDir = tempDirs('spanfill-cli-models-show-');

describe('spanfill models show', () => {
  it('prints an imported model: id, name, source, folder, size, shape, parameters, tokenizer, runs', async () => {
    const data = ['--data-dir', tempDir()];
    const imported = await cli(['models', 'import', FIXTURE, '--name', 'tiny', '--json', ...data]);
    const model = jsonResult<{ model: ModelSummary }>(imported.stdout).model;

    const text = await cli(['models', 'show', 'tiny', ...data]);
    expect([text.code, text.stderr]).toEqual([exitCodes.ok, '']);
    const params = fixtureParameters();
    expect(text.stdout).toMatch(new RegExp(`^Model +${model.id}  tiny$`, 'm'));
    expect(text.stdout).toContain(`Source        imported folder ${FIXTURE}\n`);
    expect(text.stdout).toContain(`Folder        ${FIXTURE}\n`);
    expect(text.stdout).toMatch(/^Size {10}\d+\.\d KiB$/m);
    expect(text.stdout).toContain(
      'Architecture  t5: d_model 32, d_ff 64, d_kv 8, 4 heads, 2 encoder + 2 decoder layers, vocabulary 500, ' +
        'relu feed-forward, tied embeddings\n',
    );
    expect(text.stdout).toContain(`Parameters    ${params.toLocaleString('en')} (${(params / 1e6).toFixed(1)}M)\n`);
    expect(text.stdout).toContain('Tokenizer     Unigram (T5Tokenizer)\n');
    expect(text.stdout).toContain('Runs          none started from it\n');

    // --json: the same as an object; by id and by ./relative folder it is the same model.
    const json = jsonResult<{ action: string; model: ModelDetails }>(
      (await cli(['models', 'show', model.id, '--json', ...data])).stdout,
    );
    expect(json).toMatchObject({
      action: 'show',
      model: { id: model.id, name: 'tiny', path: FIXTURE, architecture: { dModel: 32, parameterCount: params } },
    });
    const relative = `./${path.relative(process.cwd(), FIXTURE)}`;
    const byFolder = jsonResult<{ model: ModelDetails }>(
      (await cli(['models', 'show', relative, '--json', ...data])).stdout,
    );
    expect(byFolder.model).toEqual(json.model);
  });

  it('prints the built-in model without writing it out', async () => {
    const dataDir = tempDir();
    const { code, stdout } = await cli(['models', 'show', 'builtin:byt5-tiny', '--data-dir', dataDir]);
    expect(code).toBe(exitCodes.ok);
    expect(stdout).toMatch(/^Model +builtin:byt5-tiny \(not registered\)$/m);
    expect(stdout).toMatch(/^Source +built into Spanfill/m);
    const folder = path.join(dataDir, 'models', 'builtin', 'byt5-tiny');
    expect(stdout).toContain(`Folder        ${folder} (not written yet)\n`);
    expect(stdout).toMatch(/^Tokenizer +BPE over bytes, every UTF-8 byte one token/m);
    expect(fs.existsSync(folder)).toBe(false);
  });

  it('says a model that is not there is not (exit 1, as models rm), and wants one model (exit 2)', async () => {
    const data = ['--data-dir', tempDir()];
    const missing = await cli(['models', 'show', 'nothing', ...data]);
    expect([missing.code, missing.stdout]).toEqual([exitCodes.failure, '']);
    expect(missing.stderr).toContain('spanfill models: No model "nothing": not a registered id or name');
    expect(missing.stderr).toContain(`\`spanfill models list --data-dir ${data[1]}\` shows the ids`);
    const rm = await cli(['models', 'rm', 'nothing', ...data]);
    expect(rm.code).toBe(missing.code);
    const json = await cli(['models', 'show', 'nothing', '--json', ...data]);
    expect(jsonResult<{ error: { code: string } }>(json.stdout).error.code).toBe('not_found');

    for (const args of [[], ['a', 'b']]) {
      const wrong = await cli(['models', 'show', ...args, ...data]);
      expect(wrong.code).toBe(exitCodes.usage);
      expect(wrong.stderr).toContain(
        `models show needs a model: an id, name, folder or OWNER/NAME; got ${args.length}`,
      );
    }
  });

  it('is in the help', async () => {
    const help = await cli(['models', '--help']);
    expect(help.stdout).toContain('| import DIR [--name N] | show MODEL | rm ID |');
    expect(help.stdout).toMatch(/show prints one model: id, name, where it came from/);
  });
});
