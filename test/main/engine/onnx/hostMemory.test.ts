// hostMemory: which buffers OwnedBuffers frees (only those it adopted whole and never shared)
// and freeNow frees (whole buffers only), that a freed buffer is really gone (its views have
// length 0), that nothing happens where the runtime has no ArrayBuffer.prototype.transfer, and
// which node flag a child process needs.
import { afterEach, describe, expect, it } from 'vitest';
import { canFreeNow, freeNow, freeNowNodeFlags, OwnedBuffers } from '../../../../src/main/engine/onnx/hostMemory';

describe('OwnedBuffers', () => {
  it('runs where buffers can be freed (vitest passes freeNowNodeFlags to its workers)', () => {
    // Without this every other test here would pass by freeing nothing.
    expect(canFreeNow()).toBe(true);
  });

  it('frees an adopted buffer: it and every view of it have length 0 afterwards', () => {
    const owned = new OwnedBuffers();
    const data = Float32Array.from([1, 2, 3, 4]);
    const view = data.subarray(1, 3);
    owned.adopt(data);
    expect(owned.free(data)).toBe(true);
    expect(data.buffer.byteLength).toBe(0);
    expect(data.length).toBe(0);
    expect(view.length).toBe(0);
    expect(owned.free(data)).toBe(false); // once
  });

  it('frees nothing it did not adopt, nothing shared, nothing adopted only through a view', () => {
    const owned = new OwnedBuffers();
    const stranger = Float64Array.from([1, 2]);
    const shared = Float32Array.from([3, 4]);
    const whole = new Float32Array(8).fill(5);
    const part = whole.subarray(2, 6);
    owned.adopt(shared);
    owned.share(shared);
    owned.adopt(part);
    expect([owned.free(stranger), owned.free(shared), owned.free(part), owned.free(whole)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(Array.from(stranger)).toEqual([1, 2]);
    expect(Array.from(shared)).toEqual([3, 4]);
    expect(Array.from(whole)).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
  });

  describe('without ArrayBuffer.prototype.transfer', () => {
    const transfer = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'transfer');
    afterEach(() => {
      if (transfer) Object.defineProperty(ArrayBuffer.prototype, 'transfer', transfer);
    });

    it('frees nothing and leaves the data as it was', () => {
      const owned = new OwnedBuffers();
      const data = Int32Array.from([7, 8, 9]);
      owned.adopt(data);
      delete (ArrayBuffer.prototype as { transfer?: unknown }).transfer;
      expect(canFreeNow()).toBe(false);
      expect(owned.free(data)).toBe(false);
      expect(Array.from(data)).toEqual([7, 8, 9]);
    });
  });
});

describe('freeNow', () => {
  it('frees a buffer its array spans whole, and leaves a view of a larger buffer alone', () => {
    const whole = Float32Array.from([1, 2, 3, 4]);
    const larger = new Float32Array(8).fill(5);
    const part = larger.subarray(2, 6);
    expect([freeNow(whole), freeNow(part)]).toEqual([true, false]);
    expect(whole.length).toBe(0);
    expect(Array.from(larger)).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
  });
});

describe('freeNowNodeFlags', () => {
  it("asks for V8's flag only on Node 20", () => {
    expect(freeNowNodeFlags('20.20.2')).toEqual(['--harmony-rab-gsab-transfer']);
    // Node 22 ships transfer; its V8 need not know the flag.
    expect(freeNowNodeFlags('22.12.0')).toEqual([]);
  });
});
