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
import { AdafactorKernel, fitsAdafactorMemory, statsLength } from './wasm/adafactorKernel';
import { paddedLength } from './wasm/adamwKernel';

export type HostAdafactorSpec = FusedSpec & { readonly optimizer: AdafactorConfig };

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function layOut(spec: HostAdafactorSpec): { slots: AdafactorSlot[]; length: number } {
  let offset = 0;
  let stateOffset = 0;
  const slots = spec.params.map((p) => {
    const slot = { shape: p.shape, offset, stateOffset, isDecayed: isDecayed(spec.optimizer, p) };
    offset += paddedLength(sizeOf(p.shape));
    stateOffset += statsLength(p.shape);
    return slot;
  });
  return { slots, length: offset };
}

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
    const { offset } = slots[i];
    const size = sizeOf(p.shape);
    views.set(p.name, kernel.params.subarray(offset, offset + size));
    grads.set(p.name, kernel.grads.subarray(offset, offset + size));
    for (const [slot, memory] of Object.entries(kernel.statistics(slots[i])))
      views.set(stateName(p.name, slot), memory);
    if (config.beta1 !== undefined) views.set(stateName(p.name, 'm'), kernel.m.subarray(offset, offset + size));
  });
  return { views, grads, apply: (scalars) => kernel.apply(hostScalars('adafactor', scalars)) };
}
