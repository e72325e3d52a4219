// Adafactor's update (optim/adafactor.ts's math) over float32 state in one WebAssembly memory:
// parameters, gradients and the first moment (with β₁) in regions of one length, each
// parameter at the same offset in each; the second-moment statistics (row and column means,
// or the full square for vectors) in a state region; scratch for one parameter's factors.
// adafactor.wat makes the two passes over a matrix; this module does the O(R + C) work between
// them and the per-parameter scalars (RMS, clipping, the step size). The memory is sized once
// and never grown (growing it would detach every view of it that ONNX Runtime may be holding).

import { instantiate, MAX_PAGES, pagesFor } from '../../wasm/instance';
import { paddedLength } from './adamwKernel';
import { WASM_BASE64 } from './adafactor.wasm';
import { elementCount } from '../../shape';

/**
 * One parameter: its shape and elements, its offset in the parameter regions, its statistics'
 * offset in the state region.
 */
export interface AdafactorSlot {
  readonly shape: readonly number[];
  readonly size: number;
  readonly offset: number;
  readonly stateOffset: number;
  readonly isDecayed: boolean;
}

/** The settings of the update, resolved to numbers (adafactor.ts's defaults applied). */
export interface AdafactorKernelConfig {
  readonly eps1: number;
  readonly eps2: number;
  readonly clipThreshold: number;
  readonly scaleParameter: boolean;
  /** undefined: no first moment. */
  readonly beta1?: number;
  readonly weightDecay: number;
}

/** The scalars of one step, from the graph: g = gradScale·grad, ρ, β̂₂ₜ and 1 − β̂₂ₜ. */
export interface AdafactorStepScalars {
  readonly gradScale: number;
  readonly rate: number;
  readonly beta2t: number;
  readonly oneMinus: number;
}

/** A parameter's sizes: leading matrices L, rows R, columns C (vectors and scalars: L = R = 1). */
function dims(shape: readonly number[]): { L: number; R: number; C: number; isFactored: boolean } {
  const size = elementCount(shape);
  if (shape.length < 2) return { L: 1, R: 1, C: size, isFactored: false };
  const [R, C] = shape.slice(-2);
  return { L: size / (R * C), R, C, isFactored: true };
}

/** Elements of a parameter's statistics in the state region: rows then columns, or the full square. */
function statsLength(shape: readonly number[]): number {
  const { L, R, C, isFactored } = dims(shape);
  return isFactored ? paddedLength(L * R) + paddedLength(L * C) : paddedLength(L * C);
}

/**
 * The slots of `params` in order, each starting at a multiple of 4 elements in the parameter
 * regions and in the state region, and the parameter regions' length.
 */
export function adafactorSlots(params: readonly { shape: readonly number[]; isDecayed: boolean }[]): {
  slots: AdafactorSlot[];
  length: number;
} {
  let offset = 0;
  let stateOffset = 0;
  const slots = params.map(({ shape, isDecayed }) => {
    const size = elementCount(shape);
    const slot = { shape, size, offset, stateOffset, isDecayed };
    offset += paddedLength(size);
    stateOffset += statsLength(shape);
    return slot;
  });
  return { slots, length: offset };
}

type Stats = (...args: number[]) => number;
type Apply = (...args: number[]) => void;

const f = Math.fround;

export class AdafactorKernel {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  /** The first moment; empty without β₁. */
  readonly m: Float32Array;
  /** Each slot's statistics at its stateOffset: `row` (L·R) then `col` (L·C), or `sq`. */
  readonly state: Float32Array;
  private readonly colSum: Float32Array;
  private readonly w: Float32Array;
  private readonly rf: Float32Array;
  private readonly cf: Float32Array;
  private readonly stats: Stats;
  private readonly applyRows: Apply;

  /** Zero-filled regions for `slots` in parameter regions of `length` elements (padded slots). */
  constructor(
    readonly length: number,
    readonly slots: readonly AdafactorSlot[],
    private readonly config: AdafactorKernelConfig,
  ) {
    const { lengths, layout } = kernelLayout(length, slots, config.beta1 !== undefined);
    if (layout.pages > MAX_PAGES)
      throw new Error(`AdafactorKernel: ${length} parameters do not fit in one WebAssembly memory (4 GiB)`);
    const { exports, buffer } = instantiate(WASM_BASE64, layout.pages);
    this.stats = exports.stats as Stats;
    this.applyRows = exports.apply as Apply;
    const region = (i: number): Float32Array => new Float32Array(buffer, layout.offsets[i] * 4, lengths[i]);
    [this.params, this.grads, this.m, this.state, this.colSum, this.w, this.rf, this.cf] = lengths.map((_, i) =>
      region(i),
    );
  }

  /** A slot's statistics in the state region: `row` (L·R) and `col` (L·C) when factored, else `sq`. */
  statistics(slot: AdafactorSlot): { row: Float32Array; col: Float32Array } | { sq: Float32Array } {
    const { L, R, C, isFactored } = dims(slot.shape);
    const at = (from: number, count: number): Float32Array => this.state.subarray(from, from + count);
    if (!isFactored) return { sq: at(slot.stateOffset, C) };
    return { row: at(slot.stateOffset, L * R), col: at(slot.stateOffset + paddedLength(L * R), L * C) };
  }

  /** One step's update of every slot, in place. */
  apply(step: AdafactorStepScalars): void {
    for (const slot of this.slots) this.update(slot, step);
  }

  private update(slot: AdafactorSlot, step: AdafactorStepScalars): void {
    const d = dims(slot.shape);
    const { pSq, uSq } = d.isFactored ? this.factors(slot, d, step) : this.vectorFactors(slot, d.C, step);
    const n = d.L * d.R * d.C;
    const c = this.config;
    const alpha = c.scaleParameter ? step.rate * Math.max(c.eps2, Math.sqrt(pSq / n)) : step.rate;
    const k = alpha / Math.max(1, Math.sqrt(uSq / n) / c.clipThreshold);
    const keep = slot.isDecayed && c.weightDecay > 0 ? 1 - alpha * c.weightDecay : 1;
    const beta1 = c.beta1 ?? 0;
    for (let l = 0; l < d.L; l++) {
      const at = 4 * (slot.offset + l * d.R * d.C);
      const rows = d.isFactored ? this.rf.byteOffset + 4 * l * d.R : this.rf.byteOffset;
      this.applyRows(
        this.params.byteOffset + at,
        this.grads.byteOffset + at,
        c.beta1 === undefined ? 0 : this.m.byteOffset + at,
        d.R,
        d.C,
        rows,
        this.cf.byteOffset + 4 * l * d.C,
        step.gradScale,
        k,
        keep,
        beta1,
        1 - beta1,
        c.beta1 === undefined ? 0 : 1,
      );
    }
  }

  /**
   * A factored parameter's statistics (each of its L matrices): the row state updated by the
   * kernel, the column state here; the factors rf = rsqrt(R_r / mean R) and cf = rsqrt(C_c)
   * into scratch; Σθ² and the unclipped update's ΣU².
   */
  private factors(
    slot: AdafactorSlot,
    { L, R, C }: { L: number; R: number; C: number },
    step: AdafactorStepScalars,
  ): { pSq: number; uSq: number } {
    const { row, col } = this.statistics(slot) as { row: Float32Array; col: Float32Array };
    let pSq = 0;
    let uSq = 0;
    for (let l = 0; l < L; l++) {
      const at = 4 * (slot.offset + l * R * C);
      pSq += this.stats(
        this.params.byteOffset + at,
        this.grads.byteOffset + at,
        R,
        C,
        step.gradScale,
        this.config.eps1,
        step.beta2t,
        step.oneMinus,
        row.byteOffset + 4 * l * R,
        this.colSum.byteOffset,
        this.w.byteOffset,
      );
      let rowSum = 0;
      for (let r = l * R; r < (l + 1) * R; r++) rowSum += row[r];
      const meanRow = f(rowSum / R);
      for (let r = l * R; r < (l + 1) * R; r++) this.rf[r] = f(1 / f(Math.sqrt(f(row[r] / meanRow))));
      let weighted = 0;
      for (let c = 0; c < C; c++) {
        const i = l * C + c;
        col[i] = f(f(col[i] * step.beta2t) + f(f(this.colSum[c] / R) * step.oneMinus));
        this.cf[i] = f(1 / f(Math.sqrt(col[i])));
        weighted += this.w[c] / col[i];
      }
      uSq += meanRow * weighted; // ΣU² = mean(R)·Σ_c w_c / C_c (adafactor.wat)
    }
    return { pSq, uSq };
  }

  /** A vector's (or scalar's) full second moment, its factors cf = rsqrt(V) with rf = 1, Σθ² and ΣU². */
  private vectorFactors(slot: AdafactorSlot, n: number, step: AdafactorStepScalars): { pSq: number; uSq: number } {
    const { sq } = this.statistics(slot) as { sq: Float32Array };
    let pSq = 0;
    let uSq = 0;
    for (let i = 0; i < n; i++) {
      const gs = f(this.grads[slot.offset + i] * step.gradScale);
      const g2 = f(gs * gs);
      sq[i] = f(f(sq[i] * step.beta2t) + f(f(g2 + this.config.eps1) * step.oneMinus));
      this.cf[i] = f(1 / f(Math.sqrt(sq[i])));
      uSq += g2 / sq[i];
      pSq += this.params[slot.offset + i] ** 2;
    }
    this.rf[0] = 1;
    return { pSq, uSq };
  }
}

/**
 * The kernel's regions: parameters, gradients, first moment (empty without β₁), statistics,
 * then scratch for one parameter: column sums and w (C), rf (L·R) and cf (L·C, or a vector's size).
 */
function kernelLayout(
  length: number,
  slots: readonly AdafactorSlot[],
  hasM: boolean,
): { lengths: number[]; layout: { offsets: number[]; pages: number } } {
  const stateLength = Math.max(...slots.map((s) => s.stateOffset + statsLength(s.shape)), 4);
  const sizes = slots.map((s) => dims(s.shape));
  const maxC = Math.max(...sizes.map((d) => d.C), 1);
  const maxRows = Math.max(...sizes.map((d) => d.L * d.R), 1);
  const maxCols = Math.max(...sizes.map((d) => d.L * d.C), 1);
  const lengths = [length, length, hasM ? length : 0, stateLength, maxC, maxC, maxRows, maxCols];
  return { lengths, layout: regionLayout(lengths) };
}

/** Whether the kernel's memory for `slots` in regions of `length` elements fits one WebAssembly memory. */
export function fitsAdafactorMemory(length: number, slots: readonly AdafactorSlot[], hasM: boolean): boolean {
  return kernelLayout(length, slots, hasM).layout.pages <= MAX_PAGES;
}

/** Float32 regions of `lengths` elements one after another in one memory, each starting at a multiple of 4. */
function regionLayout(lengths: readonly number[]): { offsets: number[]; pages: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const length of lengths) {
    offsets.push(at);
    at += paddedLength(length);
  }
  return { offsets, pages: pagesFor(Math.max(at, 1) * 4) };
}
