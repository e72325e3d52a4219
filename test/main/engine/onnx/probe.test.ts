// The provider probe reports the CPU as available and every other provider with a reason.
import { describe, expect, it } from 'vitest';
import { probeProviders } from '../../../../src/main/engine/onnx/probe';

describe('probeProviders', () => {
  it('lists every provider, CPU available, others with an actionable reason when missing', async () => {
    const result = await probeProviders();
    expect(result.ortVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.providers.map((p) => p.name)).toEqual(['cpu', 'cuda', 'webgpu', 'dml']);
    expect(result.providers[0]).toEqual({ name: 'cpu', available: true });
    for (const p of result.providers.filter((x) => !x.available)) {
      expect(p.reason).toBeTruthy();
      expect(p.reason).not.toMatch(/onnxruntime_src/);
    }
  });
});
