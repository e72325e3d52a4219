// What the saved provider does on this machine (src/shared/providerNotes.ts), in the words the
// Settings screen and `spanfill settings` share: a provider that does not load, one that runs in
// software, and what 'auto' takes for each preset by the rule new runs are started with.
import { describe, expect, it } from 'vitest';
import { autoFallbackNote, defaultRunProvider } from '../../src/shared/contract/runs';
import type { ProviderStatus } from '../../src/shared/contract/system';
import { describeAutoHere, providerState, savedProviderNote } from '../../src/shared/providerNotes';

const SOFTWARE = 'no GPU found: WebGPU runs here on a software Vulkan driver, slower than provider cpu';
/** This machine's probe: no GPU, WebGPU on lavapipe, no CUDA, no DirectML. */
const noGpu: readonly ProviderStatus[] = [
  { name: 'cpu', available: true },
  { name: 'cuda', available: false, reason: 'cuda did not load (Failed to load shared library)' },
  { name: 'webgpu', available: true, isSoftware: true, reason: SOFTWARE },
  { name: 'dml', available: false, reason: 'not built into onnxruntime-node for linux-x64' },
];
/** A machine whose WebGPU runs on a GPU. */
const gpu: readonly ProviderStatus[] = [
  { name: 'cpu', available: true },
  { name: 'webgpu', available: true },
];
const cliWhatToDo = {
  whatLoads: '`spanfill system` says what loads',
  instead: '`--provider auto` or another provider trains one',
};

describe('providerState', () => {
  it("says nothing of cpu or a provider that loads on its device, and the refusal's words otherwise", () => {
    expect(providerState({ providers: noGpu }, 'cpu')).toBeUndefined();
    expect(providerState({ providers: gpu }, 'webgpu')).toBeUndefined();
    expect(providerState({ providers: noGpu }, 'webgpu')).toEqual({
      isAvailable: true,
      words: `provider webgpu runs in software here: ${SOFTWARE}`,
    });
    expect(providerState({ providers: noGpu }, 'dml')).toEqual({
      isAvailable: false,
      words: "provider 'dml' is not available on this machine (not built into onnxruntime-node for linux-x64)",
    });
    expect(providerState({ providers: gpu }, 'cuda')).toEqual({
      isAvailable: false,
      words: "provider 'cuda' is not available on this machine",
    });
  });
});

describe('savedProviderNote', () => {
  it('says nothing of auto, cpu or a provider that loads on its device', () => {
    for (const provider of ['auto', 'cpu']) expect(savedProviderNote(noGpu, provider, cliWhatToDo)).toBeUndefined();
    expect(savedProviderNote(gpu, 'webgpu', cliWhatToDo)).toBeUndefined();
  });

  it('says a saved provider that does not load refuses new runs here until it loads, and what to do', () => {
    expect(savedProviderNote(noGpu, 'dml', { ...cliWhatToDo, isJustSaved: true })).toEqual({
      isRefused: true,
      text:
        "provider 'dml' is not available on this machine (not built into onnxruntime-node for linux-x64); saved all " +
        'the same: a new run that takes the saved provider is refused here until it loads (`spanfill system` says ' +
        'what loads); `--provider auto` or another provider trains one',
    });
    // Read back later (the Settings screen opened), it is no news that it was saved.
    expect(savedProviderNote(noGpu, 'cuda', cliWhatToDo)?.text).toBe(
      "provider 'cuda' is not available on this machine (cuda did not load (Failed to load shared library)); a new " +
        'run that takes the saved provider is refused here until it loads (`spanfill system` says what loads); ' +
        '`--provider auto` or another provider trains one',
    );
  });

  it('says a saved provider that runs in software trains new runs in software here', () => {
    expect(savedProviderNote(noGpu, 'webgpu', { ...cliWhatToDo, isJustSaved: true })).toEqual({
      isRefused: false,
      text: `provider webgpu runs in software here: ${SOFTWARE}; saved all the same: a new run that takes the saved provider trains in software here`,
    });
  });
});

describe('describeAutoHere', () => {
  it('says what auto takes for each preset on a machine whose WebGPU runs in software, and why', () => {
    expect(describeAutoHere(noGpu)).toBe(
      `quick trains on cpu, standard on cpu. Provider auto takes the CPU here, not webgpu: ${SOFTWARE}.`,
    );
    // The same rule as the runs service's (defaultRunProvider, autoFallbackNote), not a copy of it.
    expect(defaultRunProvider('auto', 'standard', noGpu)).toBe('cpu');
    expect(autoFallbackNote('auto', 'standard', noGpu)).toBe(
      `provider auto takes the CPU here, not webgpu: ${SOFTWARE}`,
    );
  });

  it('takes the preset\'s WebGPU where it runs on a GPU, and says "where it runs on a GPU" before the probe', () => {
    expect(describeAutoHere(gpu)).toBe('quick trains on cpu, standard on webgpu.');
    expect(describeAutoHere([{ name: 'cpu', available: true }])).toBe(
      'quick trains on cpu, standard on cpu. Provider auto takes the CPU here, not webgpu: webgpu is not available here.',
    );
    expect(describeAutoHere(undefined)).toBe(
      'quick trains on cpu, standard on webgpu where it runs on a GPU, else on cpu.',
    );
  });
});
