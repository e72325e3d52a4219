// The export service over a real store and engine host: an HF export through the host with
// progress events, a refused non-empty folder (untouched), a cancelled export leaving nothing,
// bad option combinations named, and an accelerate job whose data and config files are checked
// and whose train.py passes `python3 -m py_compile` (transformers is not installed here, so the
// script cannot run in this test).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { accelerateRunConfigSchema, type ExportRequest } from '../../../src/shared/contract/export';
import type { EventMap, EventName } from '../../../src/shared/events';
import { DatasetService } from '../../../src/main/services/datasets';
import { EngineHostManager } from '../../../src/main/services/engine-host';
import { EventBus } from '../../../src/main/services/events';
import { ExportService, type RunLookup } from '../../../src/main/services/export';
import { runConfigSchema, type RunDetail } from '../../../src/shared/contract/runs';
import { ApiError } from '../../../src/shared/errors';
import { formatBytes } from '../../../src/shared/format';
import { openStore } from '../../../src/main/store/db';
import { loadT5Config } from '../../../src/main/engine/t5/config';
import { loadT5Model } from '../../../src/main/engine/t5/weights';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const events = new EventBus();
const engine = new EngineHostManager({ events });
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});
afterAll(() => engine.stop());

/** A runs service with one run whose checkpoints are the fixture (its settings are `config`). */
function runsWith(detail?: RunDetail): RunLookup {
  const checkpointPath: RunLookup['checkpointPath'] = (id, which) => {
    if (id !== detail?.id || which === 7) throw new ApiError('not_found', `Run ${id} has no checkpoint ${which}`);
    return SPM;
  };
  return {
    get: (id) => {
      if (id !== detail?.id) throw new ApiError('not_found', `No run ${id}`);
      return detail;
    },
    checkpointPath,
    readCheckpoint: (id, which, read) => read(checkpointPath(id, which)),
  };
}

function setup(detail?: RunDetail): { service: ExportService; datasets: DatasetService; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-export-'));
  const store = openStore(path.join(dir, 'data'));
  cleanup.push(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const datasets = new DatasetService({ store, dataDir: path.join(dir, 'data'), events, engine });
  const service = new ExportService({ engine, datasets, runs: runsWith(detail), dataDir: path.join(dir, 'data') });
  return { service, datasets, dir };
}

const base = { force: false } as const;

describe('export service', () => {
  it('exports an HF folder through the engine host with progress', async () => {
    const { service, dir } = setup();
    const seen: EventMap['export.progress'][] = [];
    const off = events.subscribe(<E extends EventName>(event: E, payload: EventMap[E]) => {
      if (event === 'export.progress') seen.push(payload as EventMap['export.progress']);
    });
    const out = path.join(dir, 'hf');
    const result = await service.run({ ...base, sourceDir: SPM, format: 'hf', out });
    off();
    expect(result.out).toBe(out);
    expect(result.files).toContain('model.safetensors');
    expect(result.bytes).toBe(result.files.reduce((n, f) => n + fs.statSync(path.join(out, f)).size, 0));
    expect(seen.at(-1)).toMatchObject({ format: 'hf', stage: 'done' });
    expect(loadT5Model(out).config).toEqual(loadT5Model(SPM).config);
    expect(fs.readdirSync(dir).sort()).toEqual(['data', 'hf']); // no temp folder left
  });

  it('replaces an earlier export only when forced, refuses any other folder, and names bad combinations', async () => {
    const { service, dir } = setup();
    const out = path.join(dir, 'taken');
    const request = { ...base, sourceDir: SPM, format: 'hf' as const, out };
    const first = await service.run(request);
    expect(first.files).toContain('spanfill-export.json');
    await expect(service.run(request)).rejects.toMatchObject({
      code: 'conflict',
      message: `${out} holds an earlier hf export (${first.files.length} files, ${formatBytes(first.bytes)}); choose an empty or new folder, or replace it`,
    });
    await expect(service.run({ ...request, force: true })).resolves.toMatchObject({ files: first.files });
    // A file of the user's in it: more than the export, so not replaced even when forced.
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    await expect(service.run({ ...request, force: true })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /holds an earlier hf export, but also keep\.txt, which that export did not write, so Spanfill never replaces it\./,
      ),
    });
    expect(fs.readFileSync(path.join(out, 'keep.txt'), 'utf8')).toBe('mine');
    await expect(service.run({ ...request, quantize: 'int8' })).rejects.toThrow(
      '--quantize applies to --format transformers.js, not hf; drop --quantize, or export with --format transformers.js',
    );
    await expect(service.run({ ...request, datasetId: 'd-1' })).rejects.toThrow(
      '--dataset applies to --format accelerate, not hf; drop --dataset, or export with --format accelerate',
    );
    await expect(service.run({ ...request, format: 'accelerate' })).rejects.toThrow(/needs --dataset ID/);
    await expect(service.run({ ...request, sourceDir: dir })).rejects.toThrow(/no config\.json/);
  });

  it('says a source that does not exist or is a file as fill says it, before writing anything', async () => {
    const { service, dir } = setup();
    const missing = path.join(dir, 'nonexist');
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
    const out = path.join(dir, 'out');
    for (const [sourceDir, message] of [
      [missing, `Model folder ${missing} does not exist`],
      [file, `${file} is a file; give the model folder that holds config.json and the weights`],
    ]) {
      await expect(service.run({ ...base, sourceDir, format: 'hf', out })).rejects.toMatchObject({
        code: 'invalid_input',
        message,
      });
      // The words fill's loader uses for the same folder.
      expect(() => loadT5Config(sourceDir)).toThrow(message);
    }
    expect(fs.existsSync(out)).toBe(false);
  });

  it("refuses a relative destination or source, which would be the server's working folder", async () => {
    const { service } = setup();
    const before = fs.readdirSync(process.cwd()).sort();
    const cases: [Partial<ExportRequest>, string][] = [
      [{ out: '.' }, '.'],
      [{ out: 'relative/out' }, 'relative/out'],
      [{ out: '~/x' }, '~/x'],
      [{ sourceDir: 'models/t5' }, 'models/t5'],
    ];
    for (const [relative, given] of cases) {
      const request = { ...base, sourceDir: SPM, format: 'hf' as const, out: path.join(os.tmpdir(), 'x'), ...relative };
      await expect(service.run(request)).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(
          new RegExp(`^${given.replace('.', '\\.')} is not a full path: give where it is from the top of the disk`),
        ),
      });
    }
    expect(fs.readdirSync(process.cwd()).sort()).toEqual(before);
  });

  it('never replaces the data directory, a folder holding it, a folder inside it but exports/, or the model exported', async () => {
    const { service, dir } = setup();
    const data = path.join(dir, 'data');
    const before = fs.readdirSync(data).sort();
    const hf = { force: true, sourceDir: SPM, format: 'hf' as const };
    const refused = async (out: string, message: RegExp): Promise<void> => {
      // stringMatching: a bare RegExp for an Error's message in toMatchObject passes whatever the message.
      await expect(service.run({ ...hf, out })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(message),
      });
    };
    const instead = `export under ${path.join(data, 'exports')} or to a folder outside the data directory`;
    await refused(
      data,
      new RegExp(`data is Spanfill's data directory, which keeps runs, models and datasets; ${instead}$`),
    );
    await refused(dir, /holds Spanfill's data directory/);
    // Through a link to the folder it is the same folder.
    fs.symlinkSync(data, path.join(dir, 'data-link'));
    await refused(path.join(dir, 'data-link'), /is Spanfill's data directory/);
    fs.mkdirSync(path.join(data, 'runs', 'r-1'), { recursive: true });
    await refused(path.join(data, 'runs', 'r-1'), /inside Spanfill's data directory, .*; export under .*exports/);
    await refused(path.join(data, 'new-folder'), /inside Spanfill's data directory/);
    // A run's checkpoint lies inside the data directory: the data directory is named, not the checkpoint.
    const checkpoint = path.join(data, 'runs', 'r-1', 'checkpoints', 'step-00000300');
    fs.cpSync(SPM, checkpoint, { recursive: true });
    for (const out of [data, path.join(data, 'runs', 'r-1')]) {
      await expect(service.run({ ...hf, sourceDir: checkpoint, out })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(new RegExp(`^${out} is (inside )?Spanfill's data directory, .*; ${instead}$`)),
      });
    }
    await expect(service.run({ ...hf, sourceDir: checkpoint, out: dir })).rejects.toThrow(
      `${dir} holds Spanfill's data directory (${data})`,
    );
    fs.rmSync(path.join(data, 'runs', 'r-1', 'checkpoints'), { recursive: true });
    expect(fs.readdirSync(data).sort()).toEqual([...before, 'runs'].sort());
    // Under the data directory's exports folder (the app's suggestion) is fine.
    const result = await service.run({ ...hf, out: path.join(data, 'exports', 'r-1-best-hf') });
    expect(result.files).toContain('model.safetensors');
    // The model exported, or a folder holding it.
    const models = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-export-src-'));
    cleanup.push(() => fs.rmSync(models, { recursive: true, force: true }));
    const source = path.join(models, 'model');
    fs.cpSync(SPM, source, { recursive: true });
    await expect(service.run({ ...hf, sourceDir: source, out: source })).rejects.toThrow(
      /is the model or checkpoint being exported/,
    );
    await expect(service.run({ ...hf, sourceDir: source, out: models })).rejects.toThrow(
      /holds the model or checkpoint being exported/,
    );
    expect(fs.readdirSync(source).sort()).toEqual(fs.readdirSync(SPM).sort());
  });

  it('says what is wrong with a destination it cannot create, and leaves no temp folder', async () => {
    const { service, dir } = setup();
    const hf = { force: false, sourceDir: SPM, format: 'hf' as const };
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    await expect(service.run({ ...hf, out: path.join(dir, 'dangling') })).rejects.toThrow(
      /dangling is a link to .*nowhere, which does not exist; remove the link or give another folder/,
    );
    fs.writeFileSync(path.join(dir, 'a-file'), 'x');
    await expect(service.run({ ...hf, out: path.join(dir, 'a-file', 'hf') })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /^Cannot create .*a-file.hf: \/.*\/a-file is a file, not a folder; choose a folder you can write to$/,
      ),
    });
    expect(fs.readdirSync(dir).sort()).toEqual(['a-file', 'dangling', 'data']);
  });

  it('a cancelled export rejects as cancelled and leaves no folder', async () => {
    const { service, dir } = setup();
    const controller = new AbortController();
    const out = path.join(dir, 'tjs');
    const pending = service.run(
      { ...base, sourceDir: SPM, format: 'transformers.js', out, quantize: 'int8' },
      controller.signal,
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(dir)).toEqual(['data']);
  });

  it('writes an accelerate job: documents as JSONL split as the trainer splits, settings, a compilable train.py', async () => {
    const { service, datasets, dir } = setup();
    const texts = Array.from({ length: 40 }, (_, i) => `Document number ${i} says "hello"\nwith a second line.`);
    const file = path.join(dir, 'docs.txt');
    fs.writeFileSync(file, texts.join('\n\n'));
    const dataset = await datasets.import({ paths: [file], name: 'Docs' });
    const out = path.join(dir, 'job');
    const runConfig = accelerateRunConfigSchema.parse({
      inputLength: 64,
      noiseDensity: 0.2,
      meanNoiseSpanLength: 2.5,
      maxSteps: 30,
    });
    const result = await service.run({
      ...base,
      sourceDir: SPM,
      format: 'accelerate',
      out,
      datasetId: dataset.id,
      runConfig,
    });
    const read = (name: string): string[] =>
      fs
        .readFileSync(path.join(out, 'data', name), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => (JSON.parse(l) as { text: string }).text);
    const train = read('train.jsonl');
    const validation = read('validation.jsonl');
    const held = new Set((await datasets.validationOrdinals(dataset.id)).validation);
    expect(result.documents).toEqual({ train: train.length, validation: validation.length });
    expect(validation.length).toBe(held.size);
    expect([...train, ...validation].sort()).toEqual([...texts].sort());
    const config = JSON.parse(fs.readFileSync(path.join(out, 'run_config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      base_model: 'base_model',
      input_length: 64,
      noise_density: 0.2,
      mean_noise_span_length: 2.5,
      max_steps: 30,
      batch_size: 8,
      optimizer: 'adamw',
    });
    expect(loadT5Model(path.join(out, 'base_model')).config).toEqual(loadT5Model(SPM).config);
    for (const key of Object.keys(config))
      expect(fs.readFileSync(path.join(out, 'train.py'), 'utf8')).toContain(`CONFIG["${key}"]`);
    execFileSync('python3', ['-m', 'py_compile', path.join(out, 'train.py')]);
    expect(fs.readFileSync(path.join(out, 'README.md'), 'utf8')).toMatch(
      /accelerate config\n\s+accelerate launch train\.py\n\s+spanfill models import checkpoints\/step-00000030/,
    );
  });

  it('a one-document dataset, which trains on its document and validates on it too, exports it in both files', async () => {
    const { service, datasets, dir } = setup();
    const file = path.join(dir, 'one.txt');
    fs.writeFileSync(file, 'The only document there is.');
    const dataset = await datasets.import({ paths: [file], name: 'One' });
    const out = path.join(dir, 'job');
    const result = await service.run({ ...base, sourceDir: SPM, format: 'accelerate', out, datasetId: dataset.id });
    expect(result.documents).toEqual({ train: 1, validation: 1 });
    for (const name of ['train.jsonl', 'validation.jsonl'])
      expect(fs.readFileSync(path.join(out, 'data', name), 'utf8')).toBe('{"text":"The only document there is."}\n');
  });

  it('a run request exports its checkpoint with the run dataset and settings, and refuses extra sources', async () => {
    const { datasets, dir } = setup();
    const file = path.join(dir, 'docs.txt');
    fs.writeFileSync(file, Array.from({ length: 8 }, (_, i) => `Run document ${i}.`).join('\n\n'));
    const dataset = await datasets.import({ paths: [file], name: 'Run docs' });
    const config = runConfigSchema.parse({
      model: SPM,
      datasetId: dataset.id,
      inputLength: 24,
      noiseDensity: 0.3,
      meanSpanLength: 2,
      batchSize: 3,
      accumulation: 2,
      optimizer: { kind: 'adafactor', decayRate: -0.5, scaleParameter: false },
      lr: 0.004,
      schedule: 'inverseSqrt',
      warmupSteps: 5,
      clipNorm: null,
      dropout: 0.05,
      epochs: 2,
      checkpointEvery: 4,
      seed: 9,
    });
    const detail = { id: 'r-1', datasetId: dataset.id, totalSteps: 12, config } as unknown as RunDetail;
    const service = new ExportService({ engine, datasets, runs: runsWith(detail) });
    const out = path.join(dir, 'job');
    const run = { id: 'r-1', checkpoint: 'best' as const };
    const result = await service.run({ ...base, run, format: 'accelerate', out });
    expect(result.documents?.train).toBeGreaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'spanfill-export.json'), 'utf8'))).toMatchObject({
      format: 'accelerate',
      source: 'run r-1',
    });
    expect(JSON.parse(fs.readFileSync(path.join(out, 'run_config.json'), 'utf8'))).toEqual({
      base_model: 'base_model',
      input_length: 24,
      noise_density: 0.3,
      mean_noise_span_length: 2,
      batch_size: 3,
      gradient_accumulation_steps: 2,
      optimizer: 'adafactor',
      // The run's Adafactor with its own settings, as transformers' Adafactor takes them.
      optimizer_args: {
        lr: null,
        relative_step: true,
        warmup_init: false,
        scale_parameter: false,
        clip_threshold: 1,
        decay_rate: -0.5,
        beta1: null,
        eps: [1e-30, 0.001],
      },
      learning_rate: 0.004,
      weight_decay: 0,
      schedule: 'inverse_sqrt',
      warmup_steps: 5,
      max_steps: 12,
      clip_norm: 0,
      dropout_rate: 0.05,
      checkpoint_every: 4,
      seed: 9,
    });
    const other = { ...base, run, format: 'hf' as const, out: path.join(dir, 'x') };
    await expect(service.run({ ...other, sourceDir: SPM })).rejects.toThrow(/Export a folder or run r-1, not both/);
    await expect(service.run({ ...other, datasetId: dataset.id })).rejects.toThrow(/drop --dataset and --config/);
    await expect(service.run({ ...other, run: { id: 'r-1', checkpoint: 7 } })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(service.run({ ...other, run: { id: 'r-2', checkpoint: 'last' } })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(fs.existsSync(other.out)).toBe(false);

    // Its dataset removed, the run has no data for a training job; its checkpoint still exports.
    const orphan = new ExportService({ engine, datasets, runs: runsWith({ ...detail, datasetId: null }) });
    await expect(orphan.run({ ...base, run, format: 'accelerate', out: path.join(dir, 'job2') })).rejects.toThrow(
      new ApiError(
        'invalid_input',
        "Run r-1's dataset was removed, so there is no data for a training job; export its checkpoint for " +
          `transformers (--format hf), or name a dataset: --checkpoint ${SPM} --format accelerate --dataset ID`,
      ),
    );
    expect(fs.existsSync(path.join(dir, 'job2'))).toBe(false);
  });
});
