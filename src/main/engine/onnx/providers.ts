// The execution providers Spanfill asks onnxruntime-node for, and what a person can do when one
// does not load, said after onnxruntime's own reason. CUDA's depends on whether this install has onnxruntime-node's CUDA provider library:
// without it (a checkout where `npm run setup:cuda` never ran) the step is to fetch it; with it
// (a packaged Linux app carries it, .github/workflows/release.yml) what is missing is the
// machine's NVIDIA driver or CUDA 12 / cuDNN 9, which no npm script installs.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const PROVIDERS = ['cpu', 'cuda', 'webgpu', 'dml'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The library onnxruntime-node's installer writes for CUDA 12 (script/install-metadata.js). */
const CUDA_PROVIDER_LIBRARY = 'libonnxruntime_providers_cuda.so';

/** Whether onnxruntime-node's CUDA provider library is installed beside its binding. */
export function hasCudaProviderLibrary(): boolean {
  try {
    // onnxruntime-node/dist/index.js → onnxruntime-node/bin/napi-v6/<platform>/<arch>/
    const dist = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
    const bin = path.join(dist, '..', 'bin', 'napi-v6', process.platform, process.arch);
    return existsSync(path.join(bin, CUDA_PROVIDER_LIBRARY));
  } catch {
    return false;
  }
}

/** The hint for `provider`; `hasCudaLibrary` is asked only for CUDA (given in tests). */
export function providerHint(provider: ProviderName, hasCudaLibrary: () => boolean = hasCudaProviderLibrary): string {
  switch (provider) {
    case 'cpu':
      return '';
    case 'cuda':
      return hasCudaLibrary()
        ? 'the CUDA 12 provider is installed; it needs an NVIDIA driver and CUDA 12 with cuDNN 9 on this machine'
        : 'install the CUDA 12 provider with `npm run setup:cuda` in the Spanfill folder (Linux x64; it also ' +
            'needs an NVIDIA driver and CUDA 12 with cuDNN 9)';
    case 'webgpu':
      return 'WebGPU needs a GPU driver with Vulkan on Linux (libvulkan1), Direct3D 12 on Windows or Metal on macOS';
    case 'dml':
      return 'DirectML is available on Windows only';
  }
}
