// `spanfill train` and `spanfill runs` in-process, through the runs service and a real engine
// host: the seed notebook's experiment end to end (train, then fill --run), case training
// against the reference curves, determinism, `runs compare`, every refused configuration, and
// the note on more CPU threads than the machine has.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderFollowed } from '../../../../src/main/cli/commands/train';
import { jsonResult } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
import { FIXTURES, importTexts, smallRunFlags, spanfillIn, SPM } from './train-support';

const tempDir = tempDirs('spanfill-train-cli-');
const SENTENCE = 'The cute dog walks in the green park';

interface TrainJson {
  runId: string | null;
  status: string;
  step: number;
  losses: number[];
  last: Record<string, number>;
}

describe('spanfill train (seed experiment)', () => {
  it('learns the one sentence; fill --run fills "cute" and "green park"', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, [SENTENCE]);
    // NOTE: the masking of the engine-level seed test (test/main/engine/train/seedExperiment.test.ts):
    // this fixture's 400-piece vocabulary spells the sentence in 22 tokens and its </s> (masked with it),
    // and the prompt hides 13 of them and the </s>.
    const out = await spanfillIn(dir, [
      'train',
      '--dataset',
      dataset,
      '--model',
      SPM,
      '--input-length',
      '16',
      '--noise-density',
      '0.6',
      '--mean-span-length',
      '4.5',
      '--masking',
      'per-document',
      '--data-seed',
      '5',
      '--batch-size',
      '8',
      '--steps-per-call',
      '10',
      '--lr',
      '0.01',
      '--schedule',
      'linear', // to 0 at --max-steps: at a constant rate the filled words hung on float rounding (engine seed test)
      '--dropout',
      '0',
      '--clip-norm',
      'off',
      '--seed',
      '1',
      '--max-steps',
      '300',
      '--keep-last',
      '1',
      '--json',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const result = jsonResult<TrainJson>(out.stdout);
    expect(result).toMatchObject({ status: 'completed', step: 300 });
    expect(result.losses).toHaveLength(300);
    console.log(
      `seed experiment via CLI: loss every 10th step: ${result.losses
        .filter((_, i) => i % 10 === 0)
        .map((l) => l.toFixed(3))
        .join(' ')} → ${result.losses[299].toFixed(4)}`,
    );
    const fill = await spanfillIn(dir, [
      'fill',
      '--run',
      result.runId as string,
      '--json',
      'The <extra_id_0> dog walks in the <extra_id_1>',
    ]);
    expect(fill.code, fill.stderr).toBe(0);
    const spans = jsonResult<{ spans: { text: string }[] }>(fill.stdout).spans.map((s) => s.text);
    console.log(`fill --run: ${JSON.stringify(spans)}`);
    expect(spans).toEqual(['cute', 'green park']);
  });
});

interface Curve {
  steps: number;
  optimizer: { lr: number; betas: [number, number]; eps: number; weight_decay: number };
  losses_float64: number[];
  max_abs_drift_f32: number;
}

describe.each(['t5-tiny-relu', 't5-tiny-gated'])('spanfill train --case %s', (name) => {
  it('follows the float64 reference curve', async () => {
    const dir = join(FIXTURES, name);
    const curve = JSON.parse(readFileSync(join(dir, 'curve.json'), 'utf8')) as Curve;
    const { lr, betas, eps, weight_decay: wd } = curve.optimizer;
    const out = await spanfillIn(tempDir(), [
      'train',
      '--model',
      dir,
      '--case',
      join(dir, 'case.json'),
      '--steps',
      String(curve.steps),
      '--lr',
      String(lr),
      '--beta1',
      String(betas[0]),
      '--beta2',
      String(betas[1]),
      '--eps',
      String(eps),
      '--weight-decay',
      String(wd),
      '--json',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const { losses, runId } = jsonResult<TrainJson>(out.stdout);
    expect(runId).toBeNull();
    const reference = curve.losses_float64;
    expect(losses).toHaveLength(reference.length);
    const bound = 3 * curve.max_abs_drift_f32 + 1e-3;
    losses.slice(0, 10).forEach((l, i) => expect(Math.abs(l - reference[i]) / reference[i]).toBeLessThan(1e-4));
    losses.slice(10).forEach((l, i) => expect(Math.abs(l - reference[i + 10])).toBeLessThan(bound));
    console.log(
      `${name} via CLI: ${losses[0].toFixed(6)} → ${losses.at(-1)?.toFixed(6)} (reference ${reference.at(-1)?.toFixed(6)})`,
    );
  });
});

describe('spanfill train: determinism and compare', () => {
  it('the same seed and configuration give identical losses; compare prints what differs', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, [
      'The cute dog walks in the green park',
      'A small cat sleeps on the warm mat',
    ]);
    const runs: TrainJson[] = [];
    for (const extra of [[], [], ['--lr', '0.001']]) {
      const out = await spanfillIn(dir, [...smallRunFlags(dataset, 20), ...extra, '--json']);
      expect(out.code, out.stderr).toBe(0);
      runs.push(jsonResult<TrainJson>(out.stdout));
    }
    expect(runs[0].losses).toHaveLength(20);
    expect(runs[1].losses).toEqual(runs[0].losses);
    expect(runs[2].losses).not.toEqual(runs[0].losses);
    const compare = await spanfillIn(dir, ['runs', 'compare', runs[0].runId as string, runs[2].runId as string]);
    expect(compare.code, compare.stderr).toBe(0);
    console.log(compare.stdout);
    const lines = compare.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('lr '))).toMatch(/^lr\s+0\.003\s+0\.001$/);
    expect(lines.some((l) => l.startsWith('seed '))).toBe(false); // same in both: not a difference
    expect(lines.find((l) => l.startsWith('final loss'))).toContain(String(Number(runs[0].losses[19].toPrecision(6))));
    const same = jsonResult<{ differences: { key: string }[] }>(
      (await spanfillIn(dir, ['runs', 'compare', runs[0].runId as string, runs[1].runId as string, '--json'])).stdout,
    );
    // The same settings: only the default names differ, the second numbered (runNames.ts).
    expect(same.differences.map((d) => d.key)).toEqual(['name']);
  });
});

describe('spanfill train: the model a run keeps', () => {
  it('keeps builtin:byt5-tiny by its name, as --preset does, not the folder it is written out to', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, ['The cute dog walks in the green park']);
    const flags = ['--max-steps', '10', '--input-length', '32', '--batch-size', '2', '--steps-per-call', '10'];
    const named = await spanfillIn(dir, [
      'train',
      '--dataset',
      dataset,
      '--model',
      'builtin:byt5-tiny',
      ...flags,
      '--json',
    ]);
    expect(named.code, named.stderr).toBe(0);
    const runId = jsonResult<TrainJson>(named.stdout).runId as string;
    const shown = await spanfillIn(dir, ['runs', 'show', runId, '--json']);
    expect(jsonResult<{ run: { model: string } }>(shown.stdout).run.model).toBe('builtin:byt5-tiny');
  });
});

describe('spanfill train: a run that diverges', () => {
  it('fails as a conflict (the settings cannot train) at the step its loss stopped being a number', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, ['The cute dog walks in the green park', 'A small cat sleeps on the mat']);
    const diverging = ['--lr', '10', '--clip-norm', 'off', '--warmup-steps', '0', '--beta2', '0.1', '--eps', '1e-30'];
    const args = ['train', '--dataset', dataset, '--preset', 'quick', '--max-steps', '50', ...diverging, '--json'];
    const run = await spanfillIn(dir, args);
    expect(run.code).toBe(1);
    const { error } = jsonResult<{ error: { code: string; message: string } }>(run.stdout);
    expect(error.code).toBe('conflict');
    const step = Number(/at step (\d+): training diverged/.exec(error.message)?.[1]);
    expect(step).toBeGreaterThan(0);
    const runs = jsonResult<{ runs: { id: string; step: number; status: string }[] }>(
      (await spanfillIn(dir, ['runs', '--json'])).stdout,
    ).runs;
    expect(runs.map((r) => [r.status, r.step])).toEqual([['failed', step]]);
    const shown = jsonResult<{ run: { last: Record<string, number> } }>(
      (await spanfillIn(dir, ['runs', 'show', runs[0].id, '--json'])).stdout,
    );
    expect(Number.isFinite(shown.run.last.loss)).toBe(true);
  });
});

describe('spanfill train: refused flags', () => {
  it('names the flag of each bad value, exit 2, before anything starts', async () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['--noise-density', '1'], /--noise-density must be ≤ 0.999/],
      [['--lr', '0'], /--lr must be > 0/],
      [['--batch-size', '0'], /--batch-size must be ≥ 1$/m],
      [['--mask', 'sometimes'], /--mask must be one of: dynamic, fixed; got 'sometimes'/],
      [['--optimizer', 'sgd'], /--optimizer must be one of: adamw, adafactor; got 'sgd'/],
      [['--provider', 'tpu'], /--provider must be one of: auto, cpu, cuda, webgpu, dml; got 'tpu'/],
      [['--dropout', '1'], /--dropout must be < 1/],
      // In every command's words for a whole number: it said "must be a number".
      [['--max-steps', 'ten'], /--max-steps must be an integer from 1 to 100000000, got 'ten'/],
      [['--preset', 'huge'], /--preset must be one of: quick, standard; got 'huge'/],
      [['--epochs', '2'], /--max-steps and --epochs both say how long to train: give one/],
    ];
    for (const [flags, message] of cases) {
      const out = await spanfillIn(dir, ['train', '--dataset', 'ds-x', '--model', SPM, '--max-steps', '10', ...flags]);
      expect(out.code, flags.join(' ')).toBe(2);
      expect(out.stderr, flags.join(' ')).toMatch(message);
    }
    const neither = await spanfillIn(dir, ['train', '--dataset', 'ds-x']);
    expect(neither.stderr).toMatch(
      /train needs --model DIR\|ID or --preset NAME \(--preset quick trains builtin:byt5-tiny: no download\)/,
    );
    const endless = await spanfillIn(dir, ['train', '--dataset', 'ds-x', '--model', SPM]);
    expect(endless.code).toBe(2);
    expect(endless.stderr).toMatch(/train needs --max-steps N or --epochs X \(how long to train\), or a --preset/);
    const runs = await spanfillIn(dir, ['runs', 'list', '--json']);
    expect(JSON.parse(runs.stdout)).toEqual({ action: 'list', runs: [] });
  });

  it('says a damaged model folder as its content (exit 1), without the usage line of a bad flag', async () => {
    const dir = tempDir();
    const datasetId = await importTexts(dir, [SENTENCE]);
    const damaged = join(dir, 'damaged-model');
    cpSync(SPM, damaged, { recursive: true });
    writeFileSync(join(damaged, 'config.json'), '{bad');
    const flags = ['train', '--dataset', datasetId, '--max-steps', '2'];
    const out = await spanfillIn(dir, [...flags, '--model', damaged]);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/config\.json is not valid JSON/);
    expect(out.stderr).not.toMatch(/--help/);
  });
});

describe("spanfill train: more CPU threads than the machine's", () => {
  it('notes them, as the Train and Settings screens do, and goes on; from the saved settings too', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, [SENTENCE]);
    const flags = ['train', '--dataset', dataset, '--model', SPM, '--input-length', '16', '--batch-size', '2'];
    const estimate = (extra: string[]) => spanfillIn(dir, [...flags, '--max-steps', '4', '--estimate', ...extra]);
    // The machine's count is this process's input, read as the system service reads it.
    const why =
      `More than this machine's ${os.availableParallelism()} CPU threads: the extra ones only take turns ` +
      'on the same cores, which is usually slower, not faster.';
    const over = await estimate(['--threads', '1024']);
    expect([over.code, over.stderr]).toEqual([0, expect.stringContaining(`--threads 1024: ${why}`)]);
    expect(over.stdout).toMatch(/^steps +4 /);
    const within = await estimate(['--threads', '1']);
    expect([within.code, within.stderr]).toEqual([0, expect.not.stringContaining("this machine's")]);
    expect((await spanfillIn(dir, ['settings', 'threads', '1024'])).code).toBe(0);
    const saved = await estimate([]);
    expect([saved.code, saved.stderr]).toEqual([
      0,
      expect.stringContaining(`threads 1024 (the saved settings, \`spanfill settings --data-dir ${dir}\`): ${why}`),
    ]);
    expect((await estimate(['--threads', '1'])).stderr).not.toContain("this machine's");
  }, 120_000);
});

describe('spanfill train --provider auto', () => {
  it('picks as the saved setting auto does, for this run, where the saved provider does not load', async () => {
    const dir = tempDir();
    const dataset = await importTexts(dir, [SENTENCE]);
    expect((await spanfillIn(dir, ['settings', 'provider', 'dml'])).code).toBe(0);
    const flags = ['train', '--dataset', dataset, '--model', SPM, '--input-length', '16', '--batch-size', '2'];
    const saved = await spanfillIn(dir, [...flags, '--max-steps', '2', '--estimate']);
    expect([saved.code, saved.stderr]).toEqual([1, expect.stringContaining('it is the saved provider for new runs')]);
    const auto = await spanfillIn(dir, [
      ...flags,
      '--max-steps',
      '2',
      '--steps-per-call',
      '2',
      '--provider',
      'auto',
      '--json',
    ]);
    expect(auto.code, auto.stderr).toBe(0);
    expect(jsonResult<{ provider: string; status: string }>(auto.stdout)).toMatchObject({
      provider: 'cpu',
      status: 'completed',
    });
    const help = await spanfillIn(dir, ['train', '--help']);
    expect(help.stdout).toMatch(/--provider NAME +Where the run trains: auto, cpu, cuda, webgpu or dml/);
  }, 120_000);
});

describe('spanfill train --model preset:NAME --tokenizer', () => {
  it('passes the tokenizer through and names the field of a bad preset or a missing tokenizer', async () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [
        ['--model', 'preset:t5-huge', '--tokenizer', SPM],
        /model: Unknown T5 preset 't5-huge'; expected one of: t5-small/,
      ],
      [['--model', 'preset:t5-small'], /--tokenizer: model preset:t5-small starts from scratch and needs one/],
      [['--model', SPM, '--tokenizer', 'bytes'], /tokenizer: only a model preset:NAME takes a tokenizer/],
    ];
    for (const [flags, message] of cases) {
      const out = await spanfillIn(dir, ['train', '--dataset', 'ds-x', '--max-steps', '2', ...flags]);
      expect(out.code, flags.join(' ')).toBe(2);
      expect(out.stderr, flags.join(' ')).toMatch(message);
    }
    const help = await spanfillIn(dir, ['train', '--help']);
    expect(help.stdout).toMatch(/--tokenizer DIR\|ID\|bytes/);
    expect(help.stdout).toMatch(/preset:NAME \(t5-small, /);
  });
});

describe('renderFollowed', () => {
  it("prints the losses, then how to fill with and export what a run kept; a failed run's end only", () => {
    const ended = {
      runId: 'r-1',
      status: 'completed',
      step: 200,
      losses: [6.58931, 2.26792],
      last: { 'eval.loss': 2.181 },
    };
    expect(renderFollowed(ended).split('\n')).toEqual([
      'run r-1 completed at step 200',
      'loss 6.5893 → 2.2679',
      'validation loss 2.1810',
      'fill:   spanfill fill --run r-1 "Text with <extra_id_0> where a span is missing"',
      'export: spanfill export --run r-1 --format hf --out DIR',
    ]);
    expect(renderFollowed({ ...ended, status: 'failed', losses: [], last: {} })).toBe('run r-1 failed at step 200');
  });

  it('names the data directory the run is in (quoted) when --data-dir or SPANFILL_DATA_DIR chose it', () => {
    const ended = { runId: 'r-1', status: 'stopped', step: 20, losses: [], dataDir: '/tmp/a b' };
    expect(renderFollowed(ended).split('\n').slice(1)).toEqual([
      `fill:   spanfill fill --run r-1 "Text with <extra_id_0> where a span is missing" --data-dir '/tmp/a b'`,
      `export: spanfill export --run r-1 --format hf --out DIR --data-dir '/tmp/a b'`,
    ]);
  });
});
