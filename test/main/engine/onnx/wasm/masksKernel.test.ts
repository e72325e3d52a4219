// The masks kernel's memory: requests one after the other, each [micro, size]; a request's
// last row, written in whole SIMD groups and all three planes, never reaches a finished mask
// when requests are drawn in memory order; bad use is refused. (Its values against the spec:
// hostMasks.test.ts.)
import { describe, expect, it } from 'vitest';
import { fitsMasksMemory, MasksKernel } from '../../../../../src/main/engine/onnx/wasm/masksKernel';
import { COLUMNS } from '../../../../../src/main/engine/onnx/random';

const ROW = { high: 1 + 12345, low: 6789 };

describe('MasksKernel', () => {
  it('lays requests out one after the other, [micro, size] each, in one memory', () => {
    const kernel = new MasksKernel([5, 3 * COLUMNS + 3, 2], 2);
    expect(kernel.masks.map((m) => m.length)).toEqual([10, 2 * (3 * COLUMNS + 3), 4]);
    expect(kernel.masks[1].byteOffset).toBe(kernel.masks[0].byteOffset + 10);
    expect(kernel.masks[2].byteOffset).toBe(kernel.masks[1].byteOffset + 2 * (3 * COLUMNS + 3));
  });

  it("drawn in memory order, a request's overrun leaves every earlier mask as drawn", () => {
    const sizes = [3 * COLUMNS + 3, 7, 2 * 3 * COLUMNS + 5];
    const kernel = new MasksKernel(sizes, 2);
    kernel.setColumns(0, new Int32Array(COLUMNS).fill(300), new Int32Array(COLUMNS).fill(17));
    kernel.setColumns(1, new Int32Array(COLUMNS).fill(900), new Int32Array(COLUMNS).fill(4));
    const snapshots: number[][] = [];
    sizes.forEach((size, i) => {
      const rows = Math.ceil(Math.ceil(size / 3) / Math.min(Math.ceil(size / 3), COLUMNS));
      for (let m = 0; m < 2; m++) {
        kernel.drawRequest(i, m, new Array(rows).fill(ROW), 512);
        snapshots.push(Array.from(kernel.masks[i].subarray(m * size, (m + 1) * size)));
      }
    });
    let k = 0;
    sizes.forEach((size, i) => {
      for (let m = 0; m < 2; m++) {
        const now = Array.from(kernel.masks[i].subarray(m * size, (m + 1) * size));
        expect(now, `request ${i}, micro ${m}`).toEqual(snapshots[k++]);
        expect(now.every((x) => x === 0 || x === 1)).toBe(true);
      }
    });
    // Both values occur: the masks are drawn, not left as the memory's zeros.
    expect(new Set(snapshots.flat()).size).toBe(2);
  });

  it('fits masks up to one WebAssembly memory (4 GiB) with its tables, and refuses more, saying so', () => {
    expect(fitsMasksMemory([2 ** 30, 2 ** 30], 1)).toBe(true);
    expect(fitsMasksMemory([2 ** 30, 2 ** 30], 2)).toBe(false); // 4 GiB of masks and the tables
    expect(fitsMasksMemory([2 ** 32], 1)).toBe(false);
    expect(() => new MasksKernel([2 ** 31], 2)).toThrow(
      /2 micro-batches of masks do not fit in one WebAssembly memory \(4 GiB\)/,
    );
  });

  it('refuses a bad micro-batch count and a row count that is not the grid’s', () => {
    expect(() => new MasksKernel([4], 1.5)).toThrow(/bad micro-batch count 1.5/);
    const kernel = new MasksKernel([3 * COLUMNS + 3], 1);
    expect(() => kernel.drawRequest(0, 0, [ROW], 512)).toThrow(/request 0 has 2 rows, got 1/);
  });
});
