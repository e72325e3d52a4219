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

  it('says when the folder is damaged: config.json unreadable, weights truncated (the list marks it too)', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const [badConfig, cutWeights] = [path.join(dir, 'm1'), path.join(dir, 'm2')];
    for (const [folder, name] of [
      [badConfig, 'm1'],
      [cutWeights, 'm2'],
    ]) {
      fs.cpSync(FIXTURE, folder, { recursive: true });
      expect((await cli(['models', 'import', folder, '--name', name, ...data])).code).toBe(exitCodes.ok);
    }
    const fine = await cli(['models', 'show', 'm1', ...data]);
    expect(fine.stdout).toContain("Health        fine: config.json and the weights' headers read\n");
    fs.writeFileSync(path.join(badConfig, 'config.json'), '{bad');
    const weights = path.join(cutWeights, 'model.safetensors');
    fs.truncateSync(weights, fs.statSync(weights).size - 1000);

    const m1 = await cli(['models', 'show', 'm1', ...data]);
    expect([m1.code, m1.stderr]).toEqual([exitCodes.ok, '']);
    expect(m1.stdout).toMatch(
      new RegExp(
        `^Health {8}damaged: ${badConfig}/config\\.json is not valid JSON: .*; using it fails until its files are mended or replaced$`,
        'm',
      ),
    );
    expect(m1.stdout).toContain('(as registered)');
    // What mends it, on the line below (the CLI adds the data directory to the command it names).
    const m1Id = /^Model +(m-\w+) {2}m1$/m.exec(m1.stdout)?.[1] ?? '';
    expect(m1.stdout).toMatch(
      new RegExp(
        `; using it fails until its files are mended or replaced\n {14}Mend or replace the files in ${badConfig} ` +
          `\\(copy the model there again\\), or remove it from Spanfill \\(Remove on the Models screen, or \`spanfill models rm ${m1Id} --data-dir ${data[1]}\`\\): the folder is left as it is\\.\n`,
      ),
    );
    const m2 = await cli(['models', 'show', 'm2', '--json', ...data]);
    const m2Json = jsonResult<{ problem: string | null; model: ModelDetails }>(m2.stdout);
    expect(m2Json.problem).toMatch(
      /model\.safetensors: tensor '.*' ends at data byte \d+ but the file has \d+ data bytes; the file is truncated or corrupt$/,
    );
    expect(m2Json.model.problem).toEqual({
      kind: 'damaged',
      message: m2Json.problem,
      action: expect.stringContaining(cutWeights),
    });
    const list = await cli(['models', ...data]);
    expect(list.stdout.split('\n').filter((line) => line.includes('(damaged: `spanfill models show'))).toHaveLength(2);
  });

  it('says a whole folder that only lacks a tokenizer Spanfill loads is limited, not damaged', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const old = path.join(dir, 'old-t5');
    fs.cpSync(FIXTURE, old, { recursive: true });
    fs.rmSync(path.join(old, 'tokenizer.json'));
    fs.writeFileSync(path.join(old, 'spiece.model'), 'a SentencePiece model');

    const shown = await cli(['models', 'show', old, ...data]);
    expect([shown.code, shown.stderr]).toEqual([exitCodes.ok, '']);
    expect(shown.stdout).toContain(
      `Health        limited: ${old} has only the SentencePiece spiece.model, no tokenizer.json (the file Spanfill ` +
        'reads a tokenizer from): only score and export can use it; fill, mask, training and models import need tokenizer.json\n' +
        '              Make one with Python (pip install transformers sentencepiece protobuf):\n',
    );
    expect(shown.stdout).not.toContain('damaged');
    expect(shown.stdout).not.toContain('mended or replaced');
    expect(shown.stdout).not.toContain('(as registered)');
  });

  it('is in the help', async () => {
    const help = await cli(['models', '--help']);
    expect(help.stdout).toContain('| import DIR [--name N] | show MODEL | rm ID |');
    expect(help.stdout).toMatch(/show prints one model: id, name, where it came from/);
  });
});
