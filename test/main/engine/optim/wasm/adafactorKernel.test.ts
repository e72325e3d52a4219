// The WebAssembly Adafactor kernel against Adafactor in float64 (refAdafactor.ts, the graph's
// reference too): equal
// to float32 precision over steps for factored matrices (C a multiple of 4 or not, a stack of
// matrices), vectors and scalars, with and without β₁, decay, clipping and parameter scaling;
// results below FLT_MIN stored as zeros of their sign; the padding left alone.
import { describe, expect, it } from 'vitest';
import type {
  AdafactorKernelConfig,
  AdafactorSlot,
  AdafactorStepScalars,
} from '../../../../../src/main/engine/optim/wasm/adafactorKernel';
import { adafactorSlots, AdafactorKernel } from '../../../../../src/main/engine/optim/wasm/adafactorKernel';
import { adafactorStateShapes } from '../../../../../src/main/engine/optim/adafactor';
import { expectClose, seeded } from '../helpers';
import type { Arrays } from '../refAdafactor';
import { refAdafactor } from '../refAdafactor';
import { elementCount } from '../../../../../src/main/engine/shape';

const FLT_MIN = 2 ** -126;

const SHAPES = [[6, 10], [2, 3, 8], [8, 4], [12], [], [5, 3]] as const;

function slotsOf(shapes: readonly (readonly number[])[]): { slots: AdafactorSlot[]; length: number } {
  return adafactorSlots(shapes.map((shape, i) => ({ shape, isDecayed: i % 2 === 0 })));
}

const BASE: AdafactorKernelConfig = {
  eps1: 1e-30,
  eps2: 1e-3,
  clipThreshold: 1,
  scaleParameter: true,
  weightDecay: 0,
};

const stepOf = (t: number, gradScale: number): AdafactorStepScalars => {
  const beta2t = 1 - t ** -0.8;
  return { gradScale, rate: Math.min(1e-2, 1 / Math.sqrt(t)), beta2t, oneMinus: 1 - beta2t };
};

/** Runs `steps` updates on kernel and reference from the same start; compares everything after each. */
function compare(config: AdafactorKernelConfig, steps: number, gradScale = 0.7): void {
  const { slots, length } = slotsOf(SHAPES);
  const kernel = new AdafactorKernel(length, slots, config);
  const rand = seeded(11);
  const refs = slots.map((slot) => {
    const n = elementCount(slot.shape);
    kernel.params.set(rand(n), slot.offset);
    const state: Arrays = {};
    for (const [name, shape] of Object.entries(adafactorStateShapes(slot.shape, { kind: 'adafactor', ...config })))
      state[name] = new Array<number>(elementCount(shape)).fill(0);
    return { p: Array.from(kernel.params.subarray(slot.offset, slot.offset + n)), state };
  });
  for (let t = 1; t <= steps; t++) {
    slots.forEach((slot) =>
      kernel.grads.set(
        rand(elementCount(slot.shape)).map((x, i) => x * (1 + (i % 7)) * 0.1),
        slot.offset,
      ),
    );
    kernel.apply(stepOf(t, gradScale));
    slots.forEach((slot, i) => {
      const { p, state } = refs[i];
      const grad = Array.from(kernel.grads.subarray(slot.offset, slot.offset + p.length), (g) => g * gradScale);
      refAdafactor(p, [...slot.shape], grad, state, t, 0, {
        relativeStep: true,
        scaleParameter: config.scaleParameter,
        beta1: config.beta1,
        weightDecay: slot.isDecayed ? config.weightDecay : 0,
        clipThreshold: config.clipThreshold,
        eps1: config.eps1,
      });
      const what = `[${slot.shape}] at step ${t}`;
      expectClose(kernel.params.subarray(slot.offset, slot.offset + p.length), p, 2e-6, `θ ${what}`, 1e-3);
      const stats: Record<string, Float32Array> = kernel.statistics(slot);
      for (const [name, values] of Object.entries(stats)) expectClose(values, state[name], 2e-5, `${name} ${what}`);
      if (config.beta1 !== undefined)
        expectClose(kernel.m.subarray(slot.offset, slot.offset + p.length), state.m, 2e-5, `m ${what}`, 1e-6);
    });
  }
}

describe('AdafactorKernel', () => {
  it('updates parameters and statistics as the float64 algorithm does, to float32 precision, over steps', () => {
    compare(BASE, 4);
  });

  it('with β₁, weight decay and clipping that bites', () => {
    compare({ ...BASE, beta1: 0.9, weightDecay: 0.1, clipThreshold: 0.5 }, 4, 3);
  });

  it('without parameter scaling, with a larger ε₁', () => {
    compare({ ...BASE, scaleParameter: false, eps1: 1e-3 }, 3);
  });

  it('stores results below FLT_MIN as zeros of their sign and leaves the padding zero', () => {
    const { slots, length } = slotsOf([[4, 4], [3]]);
    const kernel = new AdafactorKernel(length, slots, { ...BASE, beta1: 0.9 });
    kernel.params.set([FLT_MIN * 0.5, -FLT_MIN * 0.5, 1], 0);
    kernel.params.set([FLT_MIN * 0.5, 1, 1], 16);
    kernel.m.set([FLT_MIN * 1.05, -FLT_MIN * 1.05], 0); // m·β₁ falls below FLT_MIN with a zero gradient
    kernel.apply(stepOf(1, 1));
    expect(Object.is(kernel.params[0], 0) && Object.is(kernel.params[1], -0)).toBe(true);
    expect(Object.is(kernel.m[0], 0) && Object.is(kernel.m[1], -0)).toBe(true);
    expect(Object.is(kernel.params[16], 0)).toBe(true); // the vector's tail (scalar) path too
    expect(kernel.params[2]).toBe(1);
    expect(kernel.params[19]).toBe(0); // padding after the vector
    expect(kernel.m[19]).toBe(0);
  });
});
