// train-flags.ts: a flag for every field of the run configuration, help that states the
// contract's defaults, choices and preset values, and refusals that name the flag; AdamW's
// settings reach a dataset run, and `train --case` refuses the flags it would ignore. Whole-number
// flags take digits only, as every command reads them; the help shows --decay-rate joined with =.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { optimizerSchema, runConfigSchema } from '../../../../src/shared/contract/runs';
import { CASE_FLAGS, trainCommand } from '../../../../src/main/cli/commands/train';
import { configFromFlags, flagOf, inFlagWords, parseRunFlags } from '../../../../src/main/cli/commands/train-flags';
import { UsageError } from '../../../../src/main/cli/command';
import { runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

/** The service sets memorySplit; every other field has a flag (datasetId's is --dataset). */
const NOT_A_FLAG = new Set(['memorySplit']);

describe('train flags', () => {
  it('has a described flag for every run configuration field the schema holds', () => {
    const fields = Object.keys(runConfigSchema.shape).filter((f) => !NOT_A_FLAG.has(f));
    expect(fields.length).toBeGreaterThan(20);
    for (const field of fields) {
      const option = trainCommand.options[flagOf(field)];
      expect(option, `--${flagOf(field)} for ${field}`).toBeDefined();
      expect(option.description).not.toMatch(/^run configuration/);
    }
  });

  it('has a flag for every setting of every optimizer the contract takes, naming the optimizers it applies to', () => {
    const owners = new Map<string, string[]>();
    for (const option of optimizerSchema.options)
      for (const setting of Object.keys(option.shape).filter((key) => key !== 'kind'))
        owners.set(setting, [...(owners.get(setting) ?? []), option.shape.kind.value]);
    // Adafactor's clipThreshold, decayRate and scaleParameter had none.
    expect([...owners.keys()]).toEqual(expect.arrayContaining(['clipThreshold', 'decayRate', 'scaleParameter']));
    const names = { adamw: "AdamW's", adafactor: "Adafactor's" } as const;
    for (const [setting, kinds] of owners) {
      const option = trainCommand.options[flagOf(setting)];
      expect(option, `--${flagOf(setting)} for optimizer.${setting}`).toBeDefined();
      for (const kind of ['adamw', 'adafactor'] as const)
        expect(option.description.includes(names[kind]), `--${flagOf(setting)} and ${kind}`).toBe(kinds.includes(kind));
    }
  });

  it("states the schema's default, its choices and the presets that differ from it", () => {
    const help = (flag: string) => trainCommand.options[flag].description;
    expect(help('input-length')).toBe(
      'Tokens in each training input, sentinels included (default 128; presets: quick 64, standard 512)',
    );
    expect(help('schedule')).toBe(
      'Learning-rate schedule after the warm-up: constant, linear, cosine or inverseSqrt (default linear)',
    );
    expect(help('max-steps')).toBe('Optimizer steps to train, or --epochs (presets: quick 200, standard 10000)');
    expect(help('provider')).toBe('Where the run trains: auto, cpu, cuda, webgpu or dml (default: the saved settings)');
    expect(help('name')).toBe(
      'The run name; without it "MODEL on DATASET", numbered " (2)", " (3)", … where another run has that name',
    );
    // It read "(default 1; off)", as if the default were off.
    expect(help('clip-norm')).toBe('Clip the gradients to this global norm, or off for no clipping (default 1)');
  });

  it('names the flag, not the field, of a value the contract refuses', () => {
    expect(() => parseRunFlags({ model: 'm', datasetId: 'd', maxSteps: 10, noiseDensity: 1.5 })).toThrow(
      new UsageError('--noise-density must be ≤ 0.999'),
    );
    expect(() => parseRunFlags({ model: 'm', datasetId: 'd', maxSteps: 10, memoryBudgetMiB: -1 })).toThrow(
      /^--memory-budget /,
    );
    expect(() => parseRunFlags({ model: 'm', datasetId: 'd', maxSteps: 10, masking: 'packd' as 'packed' })).toThrow(
      new UsageError("--masking must be one of: packed, per-document; got 'packd'"),
    );
    expect(() => parseRunFlags({ model: 'm', datasetId: 'd', maxSteps: 10, dataSeed: 1.5 })).toThrow(
      new UsageError('--data-seed must be a whole number'),
    );
    // Clipping is turned off with the word off (null in the contract, which the flag never shows).
    for (const clipNorm of [0, -1])
      expect(() => parseRunFlags({ model: 'm', datasetId: 'd', maxSteps: 10, clipNorm })).toThrow(
        new UsageError('--clip-norm must be > 0, or off for no clipping'),
      );
    // An optimizer's setting by its own flag, not as "--optimizer: beta1 …".
    const run = { model: 'm', datasetId: 'd', maxSteps: 10 };
    expect(() => parseRunFlags({ ...run, optimizer: { kind: 'adamw', beta1: 1 } })).toThrow(
      new UsageError('--beta1 must be < 1'),
    );
    expect(() => parseRunFlags({ ...run, optimizer: { kind: 'adafactor', decayRate: 0.5 } })).toThrow(
      new UsageError('--decay-rate must be < 0'),
    );
  });
});

describe('train flags: how values are read', () => {
  const contextOf = (flags: Record<string, string>) => ({ string: (name: string) => flags[name] }) as never;

  it('reads a whole-number flag as digits only, as every command does, naming its range', () => {
    // --max-steps 1e3 trained 1000 steps; 2.0 and 1e0 were taken as 2 and 1.
    expect(() => configFromFlags(contextOf({ 'max-steps': '1e3' }))).toThrow(
      new UsageError("--max-steps must be an integer from 1 to 100000000, got '1e3'"),
    );
    const cases = [
      ['batch-size', '1e0'],
      ['keep-last', '2.0'],
      ['threads', '1e0'],
      ['checkpoint-every', '1e2'],
      ['memory-budget', '1e3'],
      ['seed', '0x10'],
      ['max-steps', 'abc'],
    ];
    for (const [flag, raw] of cases)
      expect(() => configFromFlags(contextOf({ [flag]: raw })), `--${flag} ${raw}`).toThrow(
        new RegExp(`^--${flag} must be an integer from \\d+ to \\d+, got '${raw.replace('.', '\\.')}'$`),
      );
    // Digits are taken; a decimal flag still takes decimals as people write them.
    expect(configFromFlags(contextOf({ 'max-steps': '1000', lr: '1e-3', epochs: '2.5' }))).toMatchObject({
      maxSteps: 1000,
      lr: 1e-3,
      epochs: 2.5,
    });
  });

  it('says the word --clip-norm and --dropout take besides a number', () => {
    expect(() => configFromFlags(contextOf({ 'clip-norm': 'none' }))).toThrow(
      new UsageError("--clip-norm must be a number or off, got 'none'"),
    );
    expect(() => configFromFlags(contextOf({ dropout: 'default' }))).toThrow(
      new UsageError("--dropout must be a number or model, got 'default'"),
    );
    expect(configFromFlags(contextOf({ 'clip-norm': 'off', dropout: 'model' }))).toMatchObject({
      clipNorm: null,
      dropout: null,
    });
  });

  it('shows a flag whose values all start with - joined with =, the one way it is read', () => {
    // Every setting and field whose schema takes no value ≥ 0 (Adafactor's decayRate).
    const negative: string[] = [];
    const takesOnlyNegatives = (schema: unknown) =>
      schema instanceof z.ZodType && !schema.safeParse(0).success && schema.safeParse(-0.5).success;
    for (const option of optimizerSchema.options)
      for (const [setting, schema] of Object.entries(option.shape))
        if (takesOnlyNegatives(schema)) negative.push(flagOf(setting));
    for (const [field, schema] of Object.entries(runConfigSchema.shape))
      if (takesOnlyNegatives(schema)) negative.push(flagOf(field));
    expect(negative).toContain('decay-rate');
    for (const flag of new Set(negative))
      expect(trainCommand.options[flag].description, flag).toMatch(new RegExp(`--${flag}=-\\d`));
    expect(trainCommand.options['decay-rate'].description).toContain('--decay-rate=-0.8');
  });

  it('names in its --case usage line every flag --case training takes', () => {
    const caseUsage = trainCommand.usage.split('\n').find((line) => line.includes('--case FILE')) ?? '';
    expect(CASE_FLAGS).toContain('seed');
    for (const flag of CASE_FLAGS) expect(caseUsage, flag).toMatch(new RegExp(`--${flag}\\b`));
  });
});

describe('inFlagWords', () => {
  it("names the runs service's settings by their flags, and leaves every other word", () => {
    expect(inFlagWords('maxSteps (205) must be a multiple of stepsPerCall (10); use 210 or change stepsPerCall')).toBe(
      '--max-steps (205) must be a multiple of --steps-per-call (10); use 210 or change --steps-per-call',
    );
    expect(inFlagWords('tokenizer: model preset:t5-small needs one')).toBe(
      '--tokenizer: model preset:t5-small needs one',
    );
    expect(inFlagWords('datasetId is required')).toBe('--dataset is required');
    expect(inFlagWords('memoryBudgetMiB is too small for gradNorm; note: model is fine')).toBe(
      '--memory-budget is too small for gradNorm; note: model is fine',
    );
  });
});

describe('optimizer settings and the options of one kind of training', () => {
  const contextOf = (flags: Record<string, string>) => ({ string: (name: string) => flags[name] }) as never;
  const tempDir = tempDirs('spanfill-train-flags-');

  it('passes --beta1, --beta2 and --eps to the run (AdamW unless --optimizer says otherwise)', () => {
    expect(configFromFlags(contextOf({ beta1: '0.5', eps: '1e-6' })).optimizer).toEqual({
      kind: 'adamw',
      beta1: 0.5,
      eps: 1e-6,
    });
    expect(configFromFlags(contextOf({ optimizer: 'adafactor', beta1: '0.8' })).optimizer).toEqual({
      kind: 'adafactor',
      beta1: 0.8,
    });
    expect(configFromFlags(contextOf({})).optimizer).toBeUndefined();
    expect(() => configFromFlags(contextOf({ optimizer: 'adafactor', eps: '1e-6' }))).toThrow(
      new UsageError('--eps applies to --optimizer adamw, not adafactor'),
    );
  });

  it("passes Adafactor's --clip-threshold, --decay-rate and --scale-parameter, and refuses them for AdamW", () => {
    const flags = { 'clip-threshold': '1.5', 'decay-rate': '-0.5', 'scale-parameter': 'false' };
    expect(configFromFlags(contextOf({ optimizer: 'adafactor', ...flags })).optimizer).toEqual({
      kind: 'adafactor',
      clipThreshold: 1.5,
      decayRate: -0.5,
      scaleParameter: false,
    });
    expect(configFromFlags(contextOf({ optimizer: 'adafactor', 'scale-parameter': 'true' })).optimizer).toEqual({
      kind: 'adafactor',
      scaleParameter: true,
    });
    expect(() => configFromFlags(contextOf({ optimizer: 'adafactor', 'scale-parameter': 'no' }))).toThrow(
      new UsageError("--scale-parameter must be one of: true, false; got 'no'"),
    );
    // Without --optimizer a setting means AdamW, which has no decay rate.
    expect(() => configFromFlags(contextOf({ 'decay-rate': '-0.5' }))).toThrow(
      new UsageError('--decay-rate applies to --optimizer adafactor, not adamw'),
    );
  });

  it('refuses, before anything runs, a flag the kind of training would ignore or a bad case setting', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const model = path.join(__dirname, '../../../fixtures/t5/t5-tiny-relu');
    const onCase = ['train', '--model', model, '--case', path.join(model, 'case.json'), '--steps', '2'];
    for (const [args, message] of [
      [
        [...onCase, '--batch-size', '4'],
        /^spanfill train: --batch-size does not apply to --case training, .*\(it takes --case, --model, --steps/,
      ],
      [[...onCase, '--dataset', 'X'], /--dataset does not apply to --case training/],
      [[...onCase, '--beta1', '1'], /--beta1 must be in \[0, 1\), got 1/],
      [[...onCase, '--eps', '0'], /--eps must be > 0, got 0/],
      // A run's own bounds on lr and weight decay; numbers as people write them.
      [[...onCase, '--lr', '1e9'], /--lr must be in \(0, 10\], got 1000000000/],
      [[...onCase, '--weight-decay=-5'], /--weight-decay must be in \[0, 10\], got -5/],
      [[...onCase, '--lr', '0x10'], /--lr must be a number, got '0x10'/],
      [
        ['train', '--dataset', 'X', '--preset', 'quick', '--steps', '3'],
        /--steps is for --case training; a run on a dataset takes --max-steps N/,
      ],
    ] as const) {
      const { code, stderr } = await runSpanfill([...args, '--data-dir', dataDir]);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(message);
    }
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it("says a missing case file and a case's id past the model's vocabulary, and prints a loss that became no number", async () => {
    const dataDir = path.join(tempDir(), 'data');
    const fixtures = path.join(__dirname, '../../../fixtures/t5');
    const gated = path.join(fixtures, 't5-tiny-gated');
    const relu = path.join(fixtures, 't5-tiny-relu');
    const trainOnCase = (model: string, caseFile: string) =>
      runSpanfill(['train', '--model', model, '--case', caseFile, '--steps', '2', '--data-dir', dataDir]);
    const wrong = await trainOnCase(gated, path.join(relu, 'case.json'));
    expect([wrong.code, wrong.stderr.trim()]).toEqual([
      1,
      'spanfill train: case input_ids holds 148; token ids must be integers in [0, 144)',
    ]);
    // A missing case file in the words `score --case` has, not Node's ENOENT.
    const none = path.join(dataDir, 'none.json');
    const missing = await trainOnCase(gated, none);
    expect([missing.code, missing.stderr]).toEqual([1, `spanfill train: Case file ${none} does not exist\n`]);
    const diverging = ['--lr', '10', '--beta2', '0', '--eps', '1e-30'];
    const args = ['train', '--model', relu, '--case', path.join(relu, 'case.json'), '--steps', '4', ...diverging];
    const run = await runSpanfill([...args, '--json', '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).losses.slice(2)).toEqual([null, null]);
  });
});
