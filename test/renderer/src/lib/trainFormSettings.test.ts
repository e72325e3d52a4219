// The Train form's provider and CPU threads from the saved settings (the Settings screen): taken
// when they arrive and when they are saved again while the form is open, except a box changed by
// hand; the note beside the boxes says where they came from.

import { describe, expect, it } from 'vitest';
import type { AppSettings } from '../../../../src/shared/contract/system';
import { applyPreset, initialForm } from '../../../../src/renderer/src/lib/trainForm';
import {
  applySettings,
  describeSavedSettings,
  followSettings,
} from '../../../../src/renderer/src/lib/trainFormSettings';

const saved = (provider: AppSettings['provider'], cpuThreads = 0): AppSettings => ({ provider, cpuThreads });

describe('Train form: provider and CPU threads', () => {
  it('keep a saved provider when the preset changes, and take settings that arrive later', () => {
    const form = initialForm(undefined, saved('dml', 2));
    expect(applyPreset(form, 'standard', saved('dml', 2))).toMatchObject({ provider: 'dml', threads: 2 });
    const loaded = applySettings({ ...form, preset: 'standard', provider: 'cpu', threads: 7 }, saved('auto', 4));
    expect(loaded).toMatchObject({ provider: 'webgpu', threads: 4 });
    // Settings change the provider and threads only.
    expect({ ...loaded, provider: form.provider, threads: form.threads }).toEqual({ ...form, preset: 'standard' });
  });

  it('keep what was typed in the provider or threads box while the settings were loading', () => {
    const opened = initialForm(undefined);
    const asOpened = { provider: opened.provider, threads: opened.threads };
    const typed = applySettings({ ...opened, threads: 2 }, saved('dml', 4), undefined, asOpened);
    expect(typed).toMatchObject({ provider: 'dml', threads: 2 });
    const chose = applySettings({ ...opened, provider: 'webgpu' }, saved('dml', 4), undefined, asOpened);
    expect(chose).toMatchObject({ provider: 'webgpu', threads: 4 });
    expect(applySettings(opened, saved('dml', 4), undefined, asOpened)).toMatchObject({ provider: 'dml', threads: 4 });
  });

  it('follow settings saved again while open, except a box changed by hand since', () => {
    const opened = initialForm(undefined, saved('cpu', 4));
    const first = followSettings(opened, saved('dml', 2), undefined, { provider: 'cpu', threads: 4 });
    expect(first.form).toMatchObject({ provider: 'dml', threads: 2 });
    expect(first.fromSettings).toEqual({ provider: 'dml', threads: 2 });
    const typed = { ...first.form, threads: 5 };
    const second = followSettings(typed, saved('auto', 3), undefined, first.fromSettings);
    expect(second.form).toMatchObject({ provider: 'cpu', threads: 5 });
    expect(second.fromSettings).toEqual({ provider: 'cpu', threads: 3 });
    // The box typed into is the person's until they set it back to what the settings say.
    const third = followSettings({ ...second.form, threads: 3 }, saved('auto', 1), undefined, second.fromSettings);
    expect(third.form.threads).toBe(1);
  });

  it("under 'auto' take the standard preset's WebGPU only where the probe has it on a GPU, and say why not", () => {
    const software = [
      { name: 'cpu', available: true },
      { name: 'webgpu', available: true, isSoftware: true, reason: 'no GPU found (no /dev/dri render node)' },
    ];
    const gpu = [
      { name: 'cpu', available: true },
      { name: 'webgpu', available: true },
    ];
    const form = initialForm(undefined, saved('auto'));
    expect(applyPreset(form, 'standard', saved('auto'), software).provider).toBe('cpu');
    expect(applyPreset(form, 'standard', saved('auto'), gpu).provider).toBe('webgpu');
    expect(applySettings({ ...form, preset: 'standard' }, saved('auto'), software).provider).toBe('cpu');
    expect(describeSavedSettings(saved('auto'), 'standard', software)).toMatch(
      /CPU threads 0 \(0: onnxruntime picks, one per core\)\. Provider auto takes the CPU here, not webgpu: no GPU found \(no \/dev\/dri render node\)\. A change here/,
    );
    expect(describeSavedSettings(saved('auto'), 'standard', software)).toMatch(
      /provider auto \(takes cpu for the standard preset here\)/,
    );
    expect(describeSavedSettings(saved('auto'), 'standard', gpu)).not.toMatch(/takes the CPU here/);
    expect(describeSavedSettings(saved('auto'), 'standard', gpu)).toMatch(
      /auto \(takes webgpu for the standard preset here\)/,
    );
    expect(describeSavedSettings(saved('auto'), 'quick', software)).not.toMatch(/takes the CPU here/);
  });

  it('say where the provider and threads came from', () => {
    expect(describeSavedSettings(saved('cuda', 4))).toMatch(/provider cuda, CPU threads 4 \(0: onnxruntime picks/);
    expect(describeSavedSettings(saved('auto', 0))).toMatch(/provider auto \(the preset's.*CPU threads 0 /);
    expect(describeSavedSettings(undefined)).toMatch(/could not be read/);
  });
});
