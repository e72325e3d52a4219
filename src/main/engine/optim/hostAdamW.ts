// AdamW's update on the host (hostProgram.ts): the parameters' places in the WebAssembly
// kernel's regions (wasm/adamwKernel.ts), views of them by state name, and one step's update
// from the graph's scalars (hostGraph.ts), decayed parameters first so that each class is one
// call of the kernel.

import type { AdamWConfig } from './adamw';
import { adamwBetas } from './adamw';
import type { HostUpdater } from './hostUpdater';
import { hostScalars } from './hostGraph';
import { isDecayed, stateName } from './optimizer';
import type { FusedSpec } from './spec';
import { AdamWKernel, fitsKernelMemory, paddedLength } from './wasm/adamwKernel';
import { elementCount } from '../shape';

export type HostAdamWSpec = FusedSpec & { readonly optimizer: AdamWConfig };

/** Where a parameter lives in the kernel's regions. */
interface Slot {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

/** The parameters' places: decayed ones first, each starting at a multiple of 4 elements. */
function layOut(spec: HostAdamWSpec): { slots: Slot[]; decayedEnd: number; length: number } {
  const slots: Slot[] = [];
  let at = 0;
  let decayedEnd = 0;
  for (const decayed of [true, false]) {
    for (const p of spec.params.filter((q) => isDecayed(spec.optimizer, q) === decayed)) {
      const size = elementCount(p.shape);
      slots.push({ name: p.name, offset: at, size });
      at += paddedLength(size);
    }
    if (decayed) decayedEnd = at;
  }
  return { slots, decayedEnd, length: at };
}

/** Whether the kernel's four regions for `spec` fit one WebAssembly memory (up to ~268M parameters). */
export function fitsHostAdamW(spec: HostAdamWSpec): boolean {
  return fitsKernelMemory(layOut(spec).length);
}

export function hostAdamW(spec: HostAdamWSpec): HostUpdater {
  const { slots, decayedEnd, length } = layOut(spec);
  const kernel = new AdamWKernel(length);
  const views = new Map<string, Float32Array>();
  const grads = new Map<string, Float32Array>();
  for (const s of slots) {
    const part = (region: Float32Array): Float32Array => region.subarray(s.offset, s.offset + s.size);
    views.set(s.name, part(kernel.params));
    views.set(stateName(s.name, 'm'), part(kernel.m));
    views.set(stateName(s.name, 'v'), part(kernel.v));
    grads.set(s.name, part(kernel.grads));
  }
  const betas = adamwBetas(spec.optimizer);
  return {
    views,
    grads,
    apply(scalars: Float32Array): void {
      const common = { ...hostScalars('adamw', scalars), ...betas };
      kernel.apply(0, decayedEnd, common);
      kernel.apply(decayedEnd, kernel.length, { ...common, keep: 1 });
    },
  };
}
