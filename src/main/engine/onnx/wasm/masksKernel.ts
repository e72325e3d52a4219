// The keep masks of a step's dropout requests for M micro-batches at once, in one WebAssembly
// memory (masks.wat draws each row; the row and column hashes come from hostMasks.ts): request
// i's masks for micro-batches 0…M−1 one after the other, so each request is one [M, size]
// bool tensor that ONNX Runtime reads where it lies. The memory is sized once.
//
// Layout: the column halves of each micro-batch's key (32 KiB each), a scratch row for
// requests whose row is not a whole number of SIMD groups, then the requests in order, then
// padding. keepRow writes each plane's row in groups of four columns, and a request's last
// row writes its third plane past the request's end; requests are drawn in memory order (each
// request's micro-batches in turn), so such bytes land where a later draw writes (or in the
// padding), never on a finished mask.

import { instantiate, MAX_PAGES, pagesFor } from '../../wasm/instance';
import { COLUMNS, requestGrid } from '../random';
import { WASM_BASE64 } from './masks.wasm';

type KeepRow = (
  out: number,
  plane: number,
  columns: number,
  high: number,
  low: number,
  t: number,
  cols: number,
) => void;

const TABLE_BYTES = 2 * COLUMNS * 4; // column high + 1, then low, int32 each
/** A row as the kernel writes it: three planes of at most COLUMNS, and a SIMD group's overrun. */
const ROW_SPAN = 3 * COLUMNS + 16;
/** The most bytes a request's last row writes past its end: its third plane's unused columns, and a group's overrun. */
const OVERRUN = ROW_SPAN;
/** Where a row drawn apart is written. */
const SCRATCH_BYTES = ROW_SPAN;

/** A row hash's halves as the grid uses them: ⌊h/2¹⁶⌋ + 1 and h mod 2¹⁵. */
export interface RowHalves {
  readonly high: number;
  readonly low: number;
}

/** The byte where the masks start, and the bytes of memory the kernel takes, for `sizes` and `micro`. */
function memoryBytes(sizes: readonly number[], micro: number): { first: number; bytes: number } {
  const first = micro * TABLE_BYTES + SCRATCH_BYTES;
  return { first, bytes: first + micro * sizes.reduce((sum, size) => sum + size, 0) + OVERRUN };
}

/** Whether the masks of `sizes` for `micro` micro-batches fit in one WebAssembly memory (4 GiB). */
export function fitsMasksMemory(sizes: readonly number[], micro: number): boolean {
  return pagesFor(memoryBytes(sizes, micro).bytes) <= MAX_PAGES;
}

export class MasksKernel {
  /** Request i's masks, micro-batch after micro-batch (M·sizes[i] bytes, 1 = keep). */
  readonly masks: readonly Uint8Array[];
  private readonly keepRow: KeepRow;
  private readonly columnTables: Int32Array;
  private readonly scratch: Uint8Array;

  constructor(
    readonly sizes: readonly number[],
    readonly micro: number,
  ) {
    if (!(Number.isInteger(micro) && micro >= 1)) throw new Error(`MasksKernel: bad micro-batch count ${micro}`);
    if (!fitsMasksMemory(sizes, micro))
      throw new Error(`MasksKernel: ${micro} micro-batches of masks do not fit in one WebAssembly memory (4 GiB)`);
    const { first, bytes } = memoryBytes(sizes, micro);
    const { exports, buffer } = instantiate(WASM_BASE64, pagesFor(bytes));
    this.keepRow = exports.keepRow as KeepRow;
    this.columnTables = new Int32Array(buffer, 0, (micro * TABLE_BYTES) / 4);
    this.scratch = new Uint8Array(buffer, micro * TABLE_BYTES, SCRATCH_BYTES);
    let at = first;
    this.masks = sizes.map((size) => {
      const view = new Uint8Array(buffer, at, micro * size);
      at += micro * size;
      return view;
    });
  }

  /** Sets micro-batch m's column halves (COLUMNS each). */
  setColumns(m: number, high: Int32Array, low: Int32Array): void {
    this.columnTables.set(high, (m * TABLE_BYTES) / 4);
    this.columnTables.set(low, (m * TABLE_BYTES) / 4 + COLUMNS);
  }

  /**
   * Draws request i's mask for micro-batch m: `rows` gives the halves of each of its rows.
   * Call in memory order (i, then m), after setColumns(m).
   */
  drawRequest(i: number, m: number, rows: readonly RowHalves[], threshold: number): void {
    const size = this.sizes[i];
    if (size === 0) return; // an empty request takes no row (RandomStream.reserve)
    const grid = requestGrid(size);
    if (rows.length !== grid.rows)
      throw new Error(`MasksKernel: request ${i} has ${grid.rows} rows, got ${rows.length}`);
    const out = this.masks[i].subarray(m * size, (m + 1) * size);
    const cols = m * TABLE_BYTES;
    if (grid.columns % 4 === 0) {
      const plane = grid.rows * grid.columns;
      rows.forEach((r, k) =>
        this.keepRow(out.byteOffset + k * grid.columns, plane, grid.columns, r.high, r.low, threshold, cols),
      );
      return;
    }
    // One row whose groups of four would run into the next plane: draw it apart, then copy.
    const stride = Math.ceil(grid.columns / 4) * 4;
    this.keepRow(this.scratch.byteOffset, stride, grid.columns, rows[0].high, rows[0].low, threshold, cols);
    for (let plane = 0; plane < 3; plane++) {
      const from = plane * grid.columns;
      const count = Math.min(grid.columns, size - from);
      if (count > 0) out.set(this.scratch.subarray(plane * stride, plane * stride + count), from);
    }
  }
}
