// isLoopedByDefault: which providers run a call's K steps in one Loop under mode 'auto'.
// Expectations from the rule in stepMode.ts: CUDA always, the CPU up to its parameter bytes,
// no other provider, and never for K = 1.
import { describe, expect, it } from 'vitest';
import { PROVIDERS } from '../../../../src/main/engine/onnx/session';
import { CPU_LOOP_MAX_PARAM_BYTES, isLoopedByDefault } from '../../../../src/main/engine/optim/stepMode';

describe('isLoopedByDefault', () => {
  it('loops K > 1 steps on CUDA, and on the CPU only for models up to CPU_LOOP_MAX_PARAM_BYTES', () => {
    const small = CPU_LOOP_MAX_PARAM_BYTES;
    const large = CPU_LOOP_MAX_PARAM_BYTES + 1;
    for (const provider of PROVIDERS) {
      expect(isLoopedByDefault(1, provider, small), `${provider} K=1`).toBe(false);
      expect(isLoopedByDefault(10, provider, small), `${provider} small`).toBe(
        provider === 'cuda' || provider === 'cpu',
      );
      expect(isLoopedByDefault(10, provider, large), `${provider} large`).toBe(provider === 'cuda');
    }
  });
});
