// The Settings screen's CPU threads box (screens/settings/ExecutionPanel.svelte): what it will
// not save, in the words the Train form's CPU threads box uses for the same number.

import { describe, expect, it } from 'vitest';
import { cpuThreadsProblem } from '../../../../src/renderer/src/lib/cpuThreads';
import { initialForm } from '../../../../src/renderer/src/lib/trainForm';
import { validate } from '../../../../src/renderer/src/lib/trainFormCheck';

describe("Settings' CPU threads box", () => {
  it('says what is wrong as the Train form does, 0 included in what it means', () => {
    expect(cpuThreadsProblem(-1)).toBe('CPU threads must be ≥ 0 (0: onnxruntime picks one per core)');
    expect(cpuThreadsProblem(2.5)).toBe('CPU threads must be a whole number');
    expect(cpuThreadsProblem(99999)).toBe('CPU threads must be ≤ 1,024');
    expect(cpuThreadsProblem(null)).toBe('CPU threads needs a number');
    for (const threads of [-1, 2.5, 99999])
      expect(validate({ ...initialForm(undefined), threads }).threads).toBe(cpuThreadsProblem(threads));
  });

  it('says nothing of a number it saves', () => {
    for (const threads of [0, 1, 1024]) expect(cpuThreadsProblem(threads)).toBeUndefined();
  });
});
