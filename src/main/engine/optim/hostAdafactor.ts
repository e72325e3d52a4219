// Adafactor's update on the host (hostProgram.ts): the parameters' places in the WebAssembly
// kernel's memory (wasm/adafactorKernel.ts), views of them and of their statistics by state
// name (per parameter, as checkpoints name them whatever the graph's layout), and one step's
// update from the graph's scalars (hostGraph.ts).

import type { AdafactorConfig } from './adafactor';
import type { HostUpdater } from './hostUpdater';
import { hostScalars } from './hostGraph';
import { isDecayed, stateName } from './optimizer';
import type { FusedSpec } from './spec';
import type { AdafactorSlot } from './wasm/adafactorKernel';
import { adafactorSlots, AdafactorKernel, fitsAdafactorMemory } from './wasm/adafactorKernel';

export type HostAdafactorSpec = FusedSpec & { readonly optimizer: AdafactorConfig };

const layOut = (spec: HostAdafactorSpec): { slots: AdafactorSlot[]; length: number } =>
  adafactorSlots(spec.params.map((p) => ({ shape: p.shape, isDecayed: isDecayed(spec.optimizer, p) })));

/** Whether the kernel's memory for `spec` fits one WebAssembly memory. */
export function fitsHostAdafactor(spec: HostAdafactorSpec): boolean {
  const { slots, length } = layOut(spec);
  return fitsAdafactorMemory(length, slots, spec.optimizer.beta1 !== undefined);
}

export function hostAdafactor(spec: HostAdafactorSpec): HostUpdater {
  const config = spec.optimizer;
  const { slots, length } = layOut(spec);
  const kernel = new AdafactorKernel(length, slots, {
    eps1: config.eps1 ?? 1e-30,
    eps2: config.eps2 ?? 1e-3,
    clipThreshold: config.clipThreshold ?? 1,
    scaleParameter: config.scaleParameter ?? true,
    beta1: config.beta1,
    weightDecay: config.weightDecay ?? 0,
  });
  const views = new Map<string, Float32Array>();
  const grads = new Map<string, Float32Array>();
  spec.params.forEach((p, i) => {
    const { offset, size } = slots[i];
    views.set(p.name, kernel.params.subarray(offset, offset + size));
    grads.set(p.name, kernel.grads.subarray(offset, offset + size));
    for (const [slot, memory] of Object.entries(kernel.statistics(slots[i])))
      views.set(stateName(p.name, slot), memory);
    if (config.beta1 !== undefined) views.set(stateName(p.name, 'm'), kernel.m.subarray(offset, offset + size));
  });
  return { views, grads, apply: (scalars) => kernel.apply(hostScalars('adafactor', scalars)) };
}
