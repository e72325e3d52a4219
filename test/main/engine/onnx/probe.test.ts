// The provider probe reports the CPU as available and every other provider with a reason, and
// WebGPU that loads on a Linux machine with no GPU device node as software.
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
      expect(p.reason).not.toContain('instead'); // a probe runs nothing on the CPU
    }
  });

  it('marks WebGPU software where it loads with no GPU device node on Linux, and not where one is found', async () => {
    const none = (await probeProviders([])).providers.find((p) => p.name === 'webgpu');
    const found = (await probeProviders(['renderD128'])).providers.find((p) => p.name === 'webgpu');
    expect(found?.isSoftware).toBeUndefined();
    expect(found?.available).toBe(none?.available);
    if (none?.available && process.platform === 'linux') {
      expect(none).toMatchObject({ isSoftware: true, reason: expect.stringMatching(/^no GPU found/) });
      expect(found).toEqual({ name: 'webgpu', available: true });
    } else {
      expect(none?.isSoftware).toBeUndefined();
    }
  });
});
