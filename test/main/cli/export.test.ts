// `spanfill export` in-process: an HF export that `spanfill models import` registers and
// `spanfill fill` uses with the same output as the source folder; a transformers.js export
// listing its files; an accelerate job from an imported dataset with --config; and the usage
// errors and the refusal of a non-empty folder (a user's, or an export from before
// spanfill-export.json).

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import type { ExportResult } from '../../../src/shared/contract/export';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import { runSpanfill as cli } from '../../support/cli';
import { tempDirs } from '../../support/tmp';

const FIXTURE = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const PROMPT = 'The <extra_id_0> walks in <extra_id_1> park';
const tempDir = tempDirs('spanfill-cli-export-');

/** A temp folder whose data directory (`data`: its --data-dir flag) holds an imported dataset of 12 paragraphs. */
async function withDataset(): Promise<{ dir: string; data: string[]; imported: { id: string } }> {
  const dir = tempDir();
  const data = ['--data-dir', path.join(dir, 'data')];
  const docs = path.join(dir, 'docs.txt');
  fs.writeFileSync(docs, Array.from({ length: 12 }, (_, i) => `Paragraph ${i} of the corpus.`).join('\n\n'));
  const imported = JSON.parse((await cli(['import', docs, '--json', ...data])).stdout) as { id: string };
  return { dir, data, imported };
}

describe('spanfill export', () => {
  it('exports an HF folder that models import takes back and fill uses identically', async () => {
    const dir = tempDir();
    const data = ['--data-dir', path.join(dir, 'data')];
    const out = path.join(dir, 'hf');
    const run = await cli(['export', '--model', FIXTURE, '--format', 'hf', '--out', out, '--json', ...data]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(exitCodes.ok);
    const result = JSON.parse(run.stdout) as ExportResult;
    expect(result).toMatchObject({ format: 'hf', out });
    expect(result.files).toEqual(expect.arrayContaining(['config.json', 'model.safetensors', 'tokenizer.json']));
    const imported = await cli(['models', 'import', out, '--json', ...data]);
    expect(imported.code).toBe(exitCodes.ok);
    const fromExport = await cli(['fill', '--model', out, '--json', PROMPT]);
    const fromSource = await cli(['fill', '--model', FIXTURE, '--json', PROMPT]);
    expect(JSON.parse(fromExport.stdout)).toEqual(JSON.parse(fromSource.stdout));

    // Registered as a model, it is refused, forced or not, until the model is removed (the folder stays).
    const overModel = await cli([
      'export',
      '--model',
      FIXTURE,
      '--format',
      'transformers.js',
      '--out',
      out,
      '--force',
      ...data,
    ]);
    expect(overModel.code).toBe(exitCodes.failure);
    const named = new RegExp(
      `^spanfill export: ${out} is the folder of model 'hf' \\((m-\\w+), ${out}\\); remove the model`,
    );
    const id = named.exec(overModel.stderr)?.[1] as string;
    expect(overModel.stderr).toMatch(named);
    expect(fs.readdirSync(out)).toContain('model.safetensors');
    expect((await cli(['models', 'rm', id, ...data])).code).toBe(exitCodes.ok);

    const again = await cli(['export', '--model', FIXTURE, '--format', 'hf', '--out', out, ...data]);
    expect(again.code).toBe(exitCodes.failure);
    expect(again.stderr).toMatch(
      /holds an earlier hf export \(\d+ files, [\d.]+ [KM]iB\); choose an empty or new folder, or replace it with --force$/m,
    );
    const forced = await cli(['export', '--checkpoint', FIXTURE, '--format', 'hf', '--out', out, '--force', ...data]);
    expect(forced.code).toBe(exitCodes.ok);

    // A project folder of the user's is no earlier export: --force does not delete it.
    const project = path.join(dir, 'proj');
    fs.mkdirSync(path.join(project, 'data'), { recursive: true });
    fs.writeFileSync(path.join(project, 'data', 'mydata.csv'), 'precious,1');
    fs.writeFileSync(path.join(project, 'README.md'), '# my project');
    for (const force of [[], ['--force']]) {
      const refused = await cli(['export', '--model', FIXTURE, '--format', 'hf', '--out', project, ...force, ...data]);
      expect(refused.code).toBe(exitCodes.failure);
      expect(refused.stderr).toMatch(
        /proj is not an earlier Spanfill export, so Spanfill never replaces it: it holds README\.md and data\/ and no spanfill-export\.json/,
      );
      expect(refused.stderr).not.toContain('--force');
    }
    expect(fs.readFileSync(path.join(project, 'data', 'mydata.csv'), 'utf8')).toBe('precious,1');

    // An export by a Spanfill from before spanfill-export.json: the same files, no list of them.
    fs.rmSync(path.join(out, 'spanfill-export.json'));
    const old = fs.readdirSync(out).sort();
    for (const force of [[], ['--force']]) {
      const refused = await cli(['export', '--model', FIXTURE, '--format', 'hf', '--out', out, ...force, ...data]);
      expect(refused.code).toBe(exitCodes.failure);
      expect(refused.stderr.trim()).toBe(
        `spanfill export: ${out} holds what an earlier Spanfill (before spanfill-export.json) or another tool ` +
          'writes as an hf export — config.json, generation_config.json, model.safetensors and 3 more — and no ' +
          'spanfill-export.json, so Spanfill does not replace it: move it away or delete it yourself, or choose ' +
          'another folder',
      );
    }
    expect(fs.readdirSync(out).sort()).toEqual(old);
  });

  it('exports the transformers.js layout with int8 graphs and lists the files', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'web');
    const run = await cli([
      'export',
      '--checkpoint',
      FIXTURE,
      '--format',
      'transformers.js',
      '--quantize',
      'int8',
      '--out',
      out,
      '--data-dir',
      path.join(dir, 'data'),
    ]);
    expect(run.code).toBe(exitCodes.ok);
    expect(run.stdout).toMatch(/^Exported transformers\.js to .*web \(\d+ files, /);
    for (const file of ['onnx/encoder_model.onnx', 'onnx/decoder_model_merged_quantized.onnx', 'tokenizer.json'])
      expect(run.stdout).toContain(`  ${file}\n`);
    expect(run.stdout).toContain(`Load it:\n  import { env, pipeline } from '@huggingface/transformers';\n`);
    // The snippet loads the int8 graphs it was asked for (transformers.js' dtype 'q8': *_quantized.onnx).
    expect(run.stdout).toContain(`const fill = await pipeline('text2text-generation', "web", { dtype: 'q8' });\n`);
  });

  it('writes an accelerate job from a dataset with the settings of --config', async () => {
    const { dir, data, imported } = await withDataset();
    const config = path.join(dir, 'run.json');
    fs.writeFileSync(config, JSON.stringify({ inputLength: 128, maxSteps: 5, optimizer: 'adafactor' }));
    const out = path.join(dir, 'job');
    const args = ['export', '--model', FIXTURE, '--format', 'accelerate', '--out', out, '--dataset', imported.id];
    const run = await cli([...args, '--config', config, '--json', ...data]);
    expect(run.code).toBe(exitCodes.ok);
    expect((JSON.parse(run.stdout) as ExportResult).documents?.train).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'run_config.json'), 'utf8'))).toMatchObject({
      input_length: 128,
      max_steps: 5,
      optimizer: 'adafactor',
    });
    fs.writeFileSync(config, JSON.stringify({ inputLength: 2, bogus: 1 }));
    const bad = await cli([
      ...args.slice(0, -4),
      '--out',
      path.join(dir, 'job2'),
      '--dataset',
      imported.id,
      '--config',
      config,
      ...data,
    ]);
    // What the file holds is bad input data (exit 1), named with the file, as is a file that is
    // missing or not JSON.
    expect(bad.code).toBe(exitCodes.failure);
    expect(bad.stderr).toContain(`--config ${config}: `);
    expect(bad.stderr).toMatch(/inputLength must be ≥ \d+; unknown setting 'bogus'/);
    fs.writeFileSync(config, '{"inputLength": 12');
    const again = ['--out', path.join(dir, 'job3'), '--dataset', imported.id, ...data];
    const notJson = await cli([...args.slice(0, -4), ...again, '--config', config]);
    expect([notJson.code, notJson.stderr]).toEqual([
      exitCodes.failure,
      expect.stringContaining(`--config ${config} is not JSON`),
    ]);
    // Said as every command says a missing file, not as Node's ENOENT.
    const none = path.join(dir, 'none.json');
    const missing = await cli([...args.slice(0, -4), ...again, '--config', none]);
    expect([missing.code, missing.stderr]).toEqual([
      exitCodes.failure,
      `spanfill export: --config ${none} does not exist\n`,
    ]);
    expect(fs.existsSync(path.join(dir, 'job3'))).toBe(false);
  });

  it("an accelerate job takes train's defaults for what --config leaves out, and its warm-up rule", async () => {
    const { dir, data, imported } = await withDataset();
    const config = path.join(dir, 'run.json');
    fs.writeFileSync(config, JSON.stringify({ maxSteps: 10 }));
    const job = (out: string): string[] => [
      ...['export', '--model', FIXTURE, '--format', 'accelerate', '--dataset', imported.id],
      ...['--config', config, '--out', path.join(dir, out), ...data],
    ];
    expect((await cli(job('job'))).code).toBe(exitCodes.ok);
    const train = runConfigSchema.parse({ model: FIXTURE, datasetId: imported.id });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'job', 'run_config.json'), 'utf8'))).toMatchObject({
      input_length: train.inputLength,
      noise_density: train.noiseDensity,
      mean_noise_span_length: train.meanSpanLength,
      batch_size: train.batchSize,
      gradient_accumulation_steps: train.accumulation,
      optimizer: train.optimizer.kind,
      learning_rate: train.lr,
      weight_decay: train.weightDecay,
      schedule: train.schedule,
      warmup_steps: train.warmupSteps,
      clip_norm: train.clipNorm,
      dropout_rate: train.dropout,
      checkpoint_every: train.checkpointEvery,
      seed: train.seed,
    });

    // A warm-up longer than the job: refused in the words train refuses one longer than its run.
    fs.writeFileSync(config, JSON.stringify({ maxSteps: 10, warmupSteps: 100 }));
    const refused = await cli(job('job2'));
    const trained = await cli([
      'train',
      '--model',
      FIXTURE,
      '--dataset',
      imported.id,
      '--max-steps',
      '10',
      '--warmup-steps',
      '100',
      ...data,
    ]);
    const rule =
      "(100) is more than the run's 10 steps: the learning rate would still be warming up when training stops";
    expect(trained.stderr).toContain(`--warmup-steps ${rule}`);
    expect(refused.code).toBe(exitCodes.failure);
    expect(refused.stderr).toContain(`--config ${config}: warmupSteps ${rule}; lower warmupSteps or train longer\n`);
    expect(fs.existsSync(path.join(dir, 'job2'))).toBe(false);
  });

  it('names missing and conflicting flags', async () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['--format', 'hf', '--out', dir], /one of --model DIR\|ID, --checkpoint DIR or --run ID/],
      // A run's step (or best, last) without --run: not a folder here, so not "folder …/150 does not exist".
      [
        ['--checkpoint', '150', '--format', 'hf', '--out', dir],
        /^spanfill export: --checkpoint 150 needs --run ID \(best, last and a step name a run's checkpoint\); without --run, give a checkpoint folder's path$/m,
      ],
      [['--checkpoint', 'best', '--format', 'hf', '--out', dir], /--checkpoint best needs --run ID/],
      [['--model', FIXTURE, '--checkpoint', FIXTURE, '--format', 'hf', '--out', dir], /one of --model/],
      [
        ['--model', FIXTURE, '--format', 'onnx', '--out', dir],
        /--format must be one of: hf, transformers\.js, accelerate; got 'onnx'/,
      ],
      [['--model', FIXTURE, '--format', 'hf'], /needs --out DIR/],
      [
        ['--model', FIXTURE, '--format', 'transformers.js', '--quantize', 'int4', '--out', dir],
        /--quantize takes int8, got 'int4'/,
      ],
      // Flags that do not go together, checked by the export service, are usage errors too.
      [['--model', FIXTURE, '--format', 'hf', '--quantize', 'int8', '--out', dir], /--quantize applies to/],
      [['--model', FIXTURE, '--format', 'accelerate', '--out', dir], /accelerate export needs --dataset ID/],
      [
        ['--model', FIXTURE, '--format', 'hf', '--dataset', 'd-1', '--out', dir],
        /--dataset applies to --format accelerate, not hf; drop --dataset, or export with --format accelerate/,
      ],
      // Said before the file is read: its contents do not matter to an hf export.
      [
        ['--model', FIXTURE, '--format', 'hf', '--config', path.join(dir, 'none.json'), '--out', dir],
        /--config applies to --format accelerate, not hf; drop --config, or export with --format accelerate/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await cli(['export', ...args, '--data-dir', dir]);
      expect(run.code, args.join(' ')).toBe(exitCodes.usage);
      expect(run.stderr).toMatch(message);
    }
  });
});
