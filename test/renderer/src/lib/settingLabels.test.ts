// settingLabels.ts: the Train form's words for run settings, on its boxes and in messages.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runConfigSchema } from '../../../../src/shared/contract/runs';
import { settingEntries } from '../../../../src/shared/contract/runSettings';
import {
  bySettingOrder,
  inLabelWords,
  labelledSettings,
  SETTING_LABELS,
  settingLabel,
} from '../../../../src/renderer/src/lib/settingLabels';
import * as fields from '../../../../src/renderer/src/screens/train/fields';

/**
 * Every key a stored configuration can hold, as settingEntries flattens it ("optimizer.beta2"):
 * the schema's fields, an object's (either optimizer's) under its dotted key.
 */
function settingKeys(schema: z.ZodType, prefix = ''): string[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault)
    return settingKeys(schema.unwrap() as z.ZodType, prefix);
  if (schema instanceof z.ZodDiscriminatedUnion)
    return (schema.options as z.ZodType[]).flatMap((option) => settingKeys(option, prefix));
  if (schema instanceof z.ZodObject)
    return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, field]) =>
      settingKeys(field, prefix ? `${prefix}.${key}` : key),
    );
  return [prefix];
}

describe('setting labels', () => {
  it('labels every setting two runs can differ in (the comparison lists them), nested ones too', () => {
    const keys = [...new Set(settingKeys(runConfigSchema))];
    expect(keys).toEqual(expect.arrayContaining(['lr', 'optimizer.kind', 'optimizer.beta2', 'optimizer.eps']));
    expect(keys.filter((key) => settingLabel(key) === key)).toEqual([]);
    // As settingEntries names them (the keys runs.compare's differences carry).
    const config = runConfigSchema.parse({
      datasetId: 'ds-1',
      model: 'builtin:byt5-tiny',
      maxSteps: 10,
      optimizer: { kind: 'adamw', beta1: 0.8, beta2: 0.95, eps: 1e-6 },
    });
    for (const [key] of settingEntries(config)) expect(keys, key).toContain(key);
    expect(['optimizer.beta2', 'optimizer.eps'].map(settingLabel)).toEqual(['AdamW beta2', 'AdamW epsilon']);
    // The optimizer's own settings right after it, in the comparison and the run view.
    const sorted = ['optimizer.eps', 'weightDecay', 'optimizer.kind', 'schedule'].sort(bySettingOrder);
    expect(sorted).toEqual(['schedule', 'optimizer.kind', 'optimizer.eps', 'weightDecay']);
  });

  it("names only settings the run configuration has, and labels every number box with its setting's name", () => {
    for (const key of Object.keys(SETTING_LABELS)) expect(runConfigSchema.shape, key).toHaveProperty(key);
    const specs = Object.values(fields).flatMap((group) => (Array.isArray(group) ? group : [group]));
    expect(specs.length).toBeGreaterThan(10);
    for (const spec of specs) expect(spec.label.startsWith(SETTING_LABELS[spec.key as 'seed']), spec.key).toBe(true);
  });

  it("says the service's and the contract's messages in the form's words", () => {
    expect(inLabelWords('maxSteps (205) must be a multiple of stepsPerCall (10); use 210 or change stepsPerCall')).toBe(
      'Steps (205) must be a multiple of steps per engine call (10); use 210 or change steps per engine call',
    );
    expect(inLabelWords('lr must be > 0')).toBe('Learning rate must be > 0');
    expect(inLabelWords('batchSize 64 at inputLength 512 does not fit')).toBe(
      'Batch size 64 at input length 512 does not fit',
    );
    expect(inLabelWords('threads are fine, but cpuThreads is not a setting; memoryBudgetMiB is')).toBe(
      'CPU threads are fine, but cpuThreads is not a setting; memory budget is',
    );
    expect(inLabelWords('tokens must fit; gradNorm and model stay')).toBe('tokens must fit; gradNorm and model stay');
  });

  it("lists a run's settings in the Train form's order and words", () => {
    const config = runConfigSchema.parse({ datasetId: 'ds-1', model: 'builtin:byt5-tiny', maxSteps: 10, lr: 0.002 });
    const listed = labelledSettings(config);
    expect(listed.map(({ label, key }) => `${label} (${key})`)).toEqual([
      'Dataset (datasetId)',
      'Base model (model)',
      'Steps (maxSteps)',
      'Batch size (batchSize)',
      'Learning rate (lr)',
      'Warm-up steps (warmupSteps)',
      'Input length (inputLength)',
      'Noise density (noiseDensity)',
      'Mean span length (meanSpanLength)',
      'Examples (masking)',
      'Validate every (evalEvery)',
      'Checkpoint every (checkpointEvery)',
      'Provider (provider)',
      'CPU threads (threads)',
      'Gradient accumulation (accumulation)',
      'Steps per engine call (stepsPerCall)',
      'Schedule (schedule)',
      'Optimizer (optimizer.kind)',
      'Weight decay (weightDecay)',
      'Clip gradient norm (clipNorm)',
      'Checkpoints kept (keepLast)',
      'Seed (seed)',
      'Data seed (dataSeed)',
      'Span masks (mask)',
      'Dropout (dropout)',
    ]);
    expect(listed.find((s) => s.key === 'lr')?.value).toBe(0.002);
    expect(settingLabel('optimizer.beta1')).toBe('Optimizer beta1');
    expect(settingLabel('somethingElse')).toBe('somethingElse');
    expect(listed.filter((s) => s.unused !== null)).toEqual([]);
  });

  it("says beside an Adafactor run's lr, schedule and warm-up that they do nothing there", () => {
    const config = runConfigSchema.parse({
      ...{ datasetId: 'ds-1', model: 'builtin:byt5-tiny', maxSteps: 10, lr: 0.002 },
      optimizer: { kind: 'adafactor' },
    });
    const unused = labelledSettings(config).filter((s) => s.unused !== null);
    expect(unused.map(({ key, unused: why }) => `${key}: ${why}`)).toEqual([
      'lr: adafactor sets its own step sizes',
      'warmupSteps: adafactor sets its own step sizes',
      'schedule: adafactor sets its own step sizes',
    ]);
  });
});
