// ortOptions(): our SessionOptions as onnxruntime-node's, in particular the settings that
// decide a training step's peak memory (ORT's memory pattern) and the strict placement flag.
import { describe, expect, it } from 'vitest';
import { ortOptions } from '../../../../src/main/engine/onnx/session';

describe('ortOptions', () => {
  it("turns ORT's memory pattern off only when asked, and leaves ORT's default otherwise", () => {
    expect(ortOptions('cpu', { memoryPattern: false }, false).enableMemPattern).toBe(false);
    expect(ortOptions('cpu', { memoryPattern: true }, false).enableMemPattern).toBe(true);
    expect('enableMemPattern' in ortOptions('cpu', {}, false)).toBe(false);
  });

  it('passes threads, denormal flushing and strict placement through', () => {
    const opts = ortOptions('webgpu', { intraOpThreads: 2, flushDenormals: true }, true);
    expect(opts.intraOpNumThreads).toBe(2);
    expect(opts.executionProviders).toEqual(['webgpu']);
    expect(opts.extra).toEqual({ session: { disable_cpu_ep_fallback: '1', set_denormal_as_zero: '1' } });
  });
});
