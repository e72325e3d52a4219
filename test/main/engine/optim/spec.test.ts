// buildDeviceOf: the one rule from an execution provider to the device its graphs are built
// for (the training step in optim/program.ts, inference in t5/runtime.ts).
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../../src/main/engine/onnx/session';
import { buildDeviceOf } from '../../../../src/main/engine/optim/spec';

describe('buildDeviceOf', () => {
  it('builds for the CPU only on the CPU provider, for a GPU on every other', () => {
    for (const provider of PROVIDERS)
      expect(buildDeviceOf(provider), provider).toBe(provider === 'cpu' ? 'cpu' : 'gpu');
  });
});
