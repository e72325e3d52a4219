// `spanfill export --run ID [--checkpoint best|last|STEP]` on a tiny real run (t5-tiny-spm, four
// steps): the HF export holds the checkpoint's weights bit for bit, transformers.js exports a
// chosen step, the accelerate job carries the run's dataset and settings with the checkpoint as
// base_model/, and the conflicting or wrong flags get clear messages and exit codes.
// (Folder sources: test/main/cli/export.test.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import type { ExportResult } from '../../../../src/shared/contract/export';
import { jsonResult } from '../../../support/cli';
import { importTexts, spanfillIn, SPM } from './train-support';

const TEXTS = Array.from({ length: 10 }, (_, i) => `Sentence ${i} about the green park and the cute dog.`);

function expectSameWeights(actualDir: string, expectedDir: string): void {
  const expected = loadT5Model(expectedDir).weights.params;
  const actual = loadT5Model(actualDir).weights.params;
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, data] of expected) {
    const got = actual.get(name) as Float32Array;
    const same = Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(
      Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    );
    expect(same, name).toBe(true);
  }
}

let dir = '';
let runId = '';
let checkpoints: string[] = [];

// One run for the whole file (tempDirs would remove it after the first test).
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-export-run-'));
  const dataset = await importTexts(dir, TEXTS);
  const flags = ['--dataset', dataset, '--model', SPM, '--input-length', '16', '--masking', 'per-document'];
  const settings = ['--batch-size', '2', '--lr', '0.003', '--schedule', 'cosine', '--warmup-steps', '1'];
  const steps = ['--max-steps', '4', '--checkpoint-every', '2', '--keep-last', '3', '--seed', '7'];
  const out = await spanfillIn(dir, ['train', ...flags, ...settings, ...steps, '--json']);
  expect(out.code, out.stderr).toBe(exitCodes.ok);
  runId = jsonResult<{ runId: string }>(out.stdout).runId;
  checkpoints = fs.readdirSync(path.join(dir, 'runs', runId, 'checkpoints')).sort();
  expect(checkpoints).toEqual(['step-00000002', 'step-00000004']);
}, 120_000);

const checkpoint = (name: string): string => path.join(dir, 'runs', runId, 'checkpoints', name);

describe('spanfill export --run', () => {
  it('hf: the run checkpoint (best, else last) bit for bit; a step by number for transformers.js', async () => {
    const out = path.join(dir, 'exports', 'hf');
    const run = await spanfillIn(dir, ['export', '--run', runId, '--format', 'hf', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(exitCodes.ok);
    expect(jsonResult<ExportResult>(run.stdout).files).toContain('model.safetensors');
    // No validation ran, so best falls back to the last checkpoint; the result says which it took.
    expect(jsonResult<ExportResult>(run.stdout).checkpoint).toEqual({ runId, step: 4 });
    expectSameWeights(out, checkpoint('step-00000004'));
    expect(loadT5Model(out).config).toEqual(loadT5Model(SPM).config);

    const web = path.join(dir, 'exports', 'web');
    const tjs = await spanfillIn(dir, [
      'export',
      '--run',
      runId,
      '--checkpoint',
      '2',
      '--format',
      'transformers.js',
      '--out',
      web,
    ]);
    expect(tjs.code, tjs.stderr).toBe(exitCodes.ok);
    expect(tjs.stdout).toMatch(new RegExp(`^Exported transformers\\.js of run ${runId}'s checkpoint at step 2 to `));
    expect(tjs.stdout).toContain('  onnx/encoder_model.onnx\n');
    expect(fs.readFileSync(path.join(web, 'config.json'), 'utf8')).toBe(
      fs.readFileSync(path.join(out, 'config.json'), 'utf8'),
    );
  });

  it('fill --run says which checkpoint it reads before its answer: the step best or last named, or the one asked', async () => {
    const prompt = 'The <extra_id_0> dog';
    const best = await spanfillIn(dir, ['fill', '--run', runId, prompt]);
    expect(best.code, best.stderr).toBe(exitCodes.ok);
    expect(best.stdout.split('\n')[0]).toBe(`Run ${runId}'s best checkpoint: step 4`);
    const byStep = await spanfillIn(dir, ['fill', '--run', runId, '--checkpoint', '2', prompt]);
    expect(byStep.code, byStep.stderr).toBe(exitCodes.ok);
    expect(byStep.stdout.split('\n')[0]).toBe(`Run ${runId}'s checkpoint: step 2`);
  });

  it("accelerate: the checkpoint as base_model/, the run's documents and settings", async () => {
    const out = path.join(dir, 'exports', 'job');
    const args = ['export', '--run', runId, '--checkpoint', 'last', '--format', 'accelerate', '--out', out, '--json'];
    const run = await spanfillIn(dir, args);
    expect(run.code, run.stderr).toBe(exitCodes.ok);
    const documents = jsonResult<ExportResult>(run.stdout).documents;
    expect((documents?.train ?? 0) + (documents?.validation ?? 0)).toBe(TEXTS.length);
    const lines = ['train.jsonl', 'validation.jsonl'].flatMap((f) =>
      fs
        .readFileSync(path.join(out, 'data', f), 'utf8')
        .split('\n')
        .filter(Boolean),
    );
    expect(lines.map((l) => (JSON.parse(l) as { text: string }).text).sort()).toEqual([...TEXTS].sort());
    expect(JSON.parse(fs.readFileSync(path.join(out, 'run_config.json'), 'utf8'))).toMatchObject({
      input_length: 16,
      batch_size: 2,
      learning_rate: 0.003,
      schedule: 'cosine',
      warmup_steps: 1,
      max_steps: 4,
      checkpoint_every: 2,
      seed: 7,
    });
    expectSameWeights(path.join(out, 'base_model'), checkpoint('step-00000004'));
  });

  it('names conflicting flags (usage) and a missing run or checkpoint (failure)', async () => {
    const out = path.join(dir, 'exports', 'bad');
    const base = ['export', '--format', 'hf', '--out', out];
    const cases: [string[], number, RegExp][] = [
      [['--run', runId, '--model', SPM], exitCodes.usage, /--model and --run cannot be combined/],
      [['--run', runId, '--dataset', 'd-1'], exitCodes.usage, /--dataset does not go with --run/],
      [['--run', runId, '--config', 'run.json'], exitCodes.usage, /--config does not go with --run/],
      [['--run', runId, '--checkpoint', 'newest'], exitCodes.usage, /best, last or a step number, got 'newest'/],
      [['--run', runId, '--checkpoint', '99999'], exitCodes.failure, /has no checkpoint 99999 \(checkpoints: 2, 4\)/],
      [['--run', 'r-nope'], exitCodes.failure, /No run r-nope; `spanfill runs list --data-dir [^`]+` shows the ids/],
    ];
    for (const [args, code, message] of cases) {
      const run = await spanfillIn(dir, [...base, ...args]);
      expect(run.code, args.join(' ')).toBe(code);
      expect(run.stderr).toMatch(message);
    }
    expect(fs.existsSync(out)).toBe(false);
  });
});
