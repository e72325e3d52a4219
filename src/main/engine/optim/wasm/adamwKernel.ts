// The AdamW update of adamw.wat over state in one WebAssembly memory: four float32 regions of
// the same length (parameters, gradients, first and second moments), each parameter at the
// same offset in all four. The memory is sized once and never grown (growing it would detach
// every view of it that ONNX Runtime may be holding).

import { instantiate, MAX_PAGES, pagesFor } from '../../wasm/instance';
import { WASM_BASE64 } from './adamw.wasm';

/** The scalars of one update (optim/adamw.ts, AdamWScalars; the betas from the config). */
export interface AdamWKernelScalars {
  readonly beta1: number;
  readonly beta2: number;
  readonly c1: number;
  readonly c2: number;
  readonly epsTerm: number;
  readonly keep: number;
  readonly stepSize: number;
}

type KernelFn = (
  p: number,
  g: number,
  m: number,
  v: number,
  n: number,
  beta1: number,
  c1: number,
  beta2: number,
  c2: number,
  eps: number,
  keep: number,
  stepSize: number,
) => void;

const REGIONS = 4;

/** The elements a region of `length` elements takes: a multiple of 4 (one SIMD vector). */
export const paddedLength = (length: number): number => Math.ceil(length / 4) * 4;

/** The pages of memory the four regions of `length` float32 elements take. */
const regionPages = (length: number): number => pagesFor(REGIONS * paddedLength(length) * 4);

/** Whether the four regions of `length` float32 elements fit in one WebAssembly memory. */
export function fitsKernelMemory(length: number): boolean {
  return regionPages(length) <= MAX_PAGES;
}

export class AdamWKernel {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  private readonly update: KernelFn;

  /** Zero-filled regions of `length` elements (WebAssembly memory starts zeroed). */
  constructor(readonly length: number) {
    if (!(Number.isInteger(length) && length > 0)) throw new Error(`AdamWKernel: bad length ${length}`);
    if (!fitsKernelMemory(length))
      throw new Error(`AdamWKernel: ${length} parameters do not fit in one WebAssembly memory (4 GiB)`);
    const padded = paddedLength(length);
    const { exports, buffer } = instantiate(WASM_BASE64, regionPages(length));
    this.update = exports.adamw as KernelFn;
    const region = (i: number): Float32Array => new Float32Array(buffer, i * padded * 4, padded);
    [this.params, this.grads, this.m, this.v] = [0, 1, 2, 3].map(region);
  }

  /**
   * Updates elements [from, to) of the parameters and moments from the gradients, in place.
   * `from` must be a multiple of 4; `to` is rounded up to one (the padding is zeros and stays so).
   */
  apply(from: number, to: number, s: AdamWKernelScalars): void {
    if (from % 4 !== 0 || from < 0 || to > this.params.length || to < from)
      throw new Error(`AdamWKernel.apply: bad range [${from}, ${to})`);
    const end = Math.min(paddedLength(to), this.params.length);
    const at = (region: Float32Array): number => region.byteOffset + from * 4;
    this.update(
      at(this.params),
      at(this.grads),
      at(this.m),
      at(this.v),
      end - from,
      s.beta1,
      s.c1,
      s.beta2,
      s.c2,
      s.epsTerm,
      s.keep,
      s.stepSize,
    );
  }
}
