// providers.ts: the CUDA hint follows whether onnxruntime-node's CUDA provider library is here —
// fetch it (npm run setup:cuda) when it is not, the machine's driver and CUDA 12 / cuDNN 9 when it
// is (a packaged Linux app carries it, so telling its user to run an npm script is no help).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCudaProviderLibrary, providerHint, PROVIDERS } from '../../../../src/main/engine/onnx/providers';

/** Every file under `dir`. */
function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

describe('providerHint', () => {
  it('sends a checkout without the CUDA library to setup:cuda', () => {
    const hint = providerHint('cuda', () => false);
    expect(hint).toContain('npm run setup:cuda');
    expect(hint).toMatch(/NVIDIA driver and CUDA 12 with cuDNN 9/);
  });

  it('tells an install that has the CUDA library (a packaged Linux app) what the machine lacks, not an npm script', () => {
    const hint = providerHint('cuda', () => true);
    expect(hint).not.toContain('npm');
    expect(hint).toMatch(/installed; it needs an NVIDIA driver and CUDA 12 with cuDNN 9 on this machine/);
  });

  it('asks about the CUDA library only for CUDA, and has a hint for every provider but the CPU', () => {
    for (const name of PROVIDERS) {
      let asked = false;
      const hint = providerHint(name, () => (asked = true));
      expect(asked).toBe(name === 'cuda');
      expect(hint === '').toBe(name === 'cpu');
    }
  });

  it('finds the CUDA library where onnxruntime-node keeps its binding, as a search of its folder does', () => {
    const bin = path.resolve('node_modules/onnxruntime-node/bin');
    const found = walk(bin).some(
      (file) =>
        path.basename(file) === 'libonnxruntime_providers_cuda.so' &&
        file.includes(path.join(process.platform, process.arch)),
    );
    expect(hasCudaProviderLibrary()).toBe(found);
  });
});
