// The kernels' loader: a fixed, zeroed memory of the pages asked for, one compile per binary,
// and a clear refusal of a memory WebAssembly cannot give.
import { describe, expect, it } from 'vitest';
import { instantiate, MAX_PAGES, PAGE_BYTES, pagesFor } from '../../../../src/main/engine/wasm/instance';
import { WASM_BASE64 } from '../../../../src/main/engine/optim/wasm/adamw.wasm';

describe('instantiate', () => {
  it('gives each instance its own zeroed memory of the pages asked for, and the exports', () => {
    const a = instantiate(WASM_BASE64, 2);
    const b = instantiate(WASM_BASE64, 3);
    expect([a.buffer.byteLength, b.buffer.byteLength]).toEqual([2 * PAGE_BYTES, 3 * PAGE_BYTES]);
    expect(new Uint8Array(a.buffer).every((x) => x === 0)).toBe(true);
    new Uint8Array(a.buffer)[0] = 1;
    expect(new Uint8Array(b.buffer)[0]).toBe(0);
    expect(typeof a.exports.adamw).toBe('function');
  });

  it('refuses a memory of no pages or more than 4 GiB, saying the limit', () => {
    expect(() => instantiate(WASM_BASE64, 0)).toThrow(/0 pages: must be 1…65536 \(at most 4 GiB\)/);
    expect(() => instantiate(WASM_BASE64, MAX_PAGES + 1)).toThrow(/65537 pages/);
  });

  it('counts whole pages', () => {
    expect([pagesFor(1), pagesFor(PAGE_BYTES), pagesFor(PAGE_BYTES + 1)]).toEqual([1, 1, 2]);
  });
});
