// Dropout keep masks computed on the host, equal bit for bit to those the int32 graph chains of
// random.ts draw (the spec in its header), and a MaskSource that serves them to a graph as bool
// inputs. For the CPU's one-step runs (optim/hostProgram.ts, optim/program.ts): onnxruntime's
// CPU kernels spent ~250 ms of a ~2.3 s t5-small step (B = 8, 128/29, 2 threads) on the
// masks' int32 Mul/Sub/Div/Add chains, each a pass over up to 2.8 MB; here each value costs one
// mix() in registers (wasm/masks.wat) and its three draws go straight to the masks. The few
// thousand row and column hashes of a step use random.ts's own host functions.

import type { Tensor } from './graph';
import { reshape } from './ops/shape';
import type { MaskPlan } from './maskPlan';
import type { MaskSource } from './random';
import { absorbHost, COLUMNS, KEY_ORIGIN, mixHost, RANDOM_MODULUS, requestGrid } from './random';
import type { RowHalves } from './wasm/masksKernel';
import { MasksKernel } from './wasm/masksKernel';
import { elementCount } from '../shape';

export { fitsMasksMemory } from './wasm/masksKernel';

/** mix(mix(absorb(key, word))): the full-quality hash of a row or column index (random.ts's spec). */
function hashWord(key: number, word: number): number {
  return mixHost(mixHost(absorbHost(key, word)));
}

/** The key counterKey() builds in a graph from a seed and whole-number counters, on the host. */
export function hostCounterKey(seed: number, counters: readonly number[]): number {
  return counters.reduce((key, c) => absorbHost(key, c), absorbHost(KEY_ORIGIN, seed));
}

/** The halves of a row or column hash as the grid multiplies them: ⌊h/2¹⁶⌋ + 1 and h mod 2¹⁵. */
function halves(h: number): RowHalves {
  return { high: (h >>> 16) + 1, low: h & 0x7fff };
}

/**
 * The keep masks of a plan's requests for steps of `micro` micro-batches, drawn on the host
 * into a MasksKernel's memory: request i's masks are `masks[i]`, [micro, sizes[i]] (1 = keep),
 * the masks a RandomStream of counterKey(seed, [step, m]) gives micro-batch m.
 */
export class HostMaskDraws {
  private readonly kernel: MasksKernel;
  /** The first grid row of each request: rows are handed out in request order (RandomStream.reserve). */
  private readonly firstRows: number[];
  private readonly columnHigh = new Int32Array(COLUMNS);
  private readonly columnLow = new Int32Array(COLUMNS);

  constructor(
    readonly plan: MaskPlan,
    readonly micro: number,
    readonly seed: number,
  ) {
    this.kernel = new MasksKernel(plan.sizes, micro);
    let row = 0;
    this.firstRows = plan.sizes.map((size) => {
      const first = row;
      row += requestGrid(size).rows;
      return first;
    });
  }

  get masks(): readonly Uint8Array[] {
    return this.kernel.masks;
  }

  /** Draws the masks of the step after `step` completed steps (the graph's step counter). */
  draw(step: number): readonly Uint8Array[] {
    const keys = Array.from({ length: this.micro }, (_, m) => hostCounterKey(this.seed, [step, m]));
    keys.forEach((key, m) => this.setColumns(m, key));
    this.plan.sizes.forEach((size, i) => {
      const { rows } = requestGrid(size);
      for (let m = 0; m < this.micro; m++) {
        const key = keys[m];
        const halvesOfRows = Array.from({ length: rows }, (_, r) => halves(hashWord(key, this.firstRows[i] + r)));
        this.kernel.drawRequest(i, m, halvesOfRows, this.plan.threshold);
      }
    });
    return this.kernel.masks;
  }

  private setColumns(m: number, key: number): void {
    const columnKey = absorbHost(key, RANDOM_MODULUS - 1);
    for (let j = 0; j < COLUMNS; j++) {
      const h = halves(hashWord(columnKey, j));
      this.columnHigh[j] = h.high;
      this.columnLow[j] = h.low;
    }
    this.kernel.setColumns(m, this.columnHigh, this.columnLow);
  }
}

/** The input name of a fed mask: its request's index in the step's plan. */
export function fedMaskName(request: number): string {
  return `dropout/keep${request}`;
}

/**
 * A MaskSource that serves a plan's requests, in order, from bool tensors already in the graph
 * (flat, one per request: the fed inputs), checking each request's size and threshold.
 */
export class FedMasks implements MaskSource {
  private next = 0;

  constructor(
    private readonly masks: readonly Tensor[],
    private readonly threshold: number,
  ) {}

  keep(shape: readonly number[], threshold: number): Tensor {
    const i = this.next++;
    const mask = this.masks[i];
    const size = elementCount(shape);
    if (!mask || Number(mask.shape[0]) !== size || threshold !== this.threshold)
      throw new Error(
        `FedMasks: request ${i} is ${size} positions at threshold ${threshold}; ` +
          (mask
            ? `the fed mask has ${mask.shape[0]} at threshold ${this.threshold}`
            : `only ${this.masks.length} are fed`),
      );
    return reshape(mask, [...shape]);
  }

  /** Requests served so far: a builder can check it used every fed mask. */
  get served(): number {
    return this.next;
  }
}
