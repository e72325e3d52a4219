// settingLabels.ts: the Train form's words for run settings, on its boxes and in messages.
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../../src/shared/contract/runs';
import { inLabelWords, SETTING_LABELS } from '../../../../src/renderer/src/lib/settingLabels';
import * as fields from '../../../../src/renderer/src/screens/train/fields';

describe('setting labels', () => {
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
});
