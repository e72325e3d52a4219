// The counter-based random spec of src/main/engine/onnx/random.ts's header, transcribed with
// exact big integers (no Schrage, no host shortcuts, no SIMD): the reference that the graph's
// int32 chains (random.test.ts) and the host's draws (hostMasks.test.ts) are both held to.

const M = 2n ** 31n - 1n;
const rot = (y: bigint): bigint => (y % 65536n) * 32768n + y / 65536n;
const mix = (x: bigint): bigint => rot((48271n * x + (x / 65536n) * (x % 65536n)) % M);
const absorb = (x: bigint, w: bigint): bigint => mix((x + (w % M)) % M);

/** The draws of successive requests of `sizes` positions from the stream of (seed, counters). */
export function referenceDraws(seed: number, counters: number[], sizes: number[]): number[][] {
  let key = absorb(0x2545f491n, BigInt(seed));
  for (const c of counters) key = absorb(key, BigInt(c));
  const columnKey = absorb(key, M - 1n);
  let nextRow = 0;
  return sizes.map((size) => {
    const values = Math.ceil(size / 3);
    const columns = Math.max(1, Math.min(values, 4096));
    const rows = Math.ceil(values / columns);
    const planes: number[][] = [[], [], []]; // positions h, V + h, 2V + h of value h
    for (let h = 0; h < rows * columns; h++) {
      const [i, j] = [BigInt(nextRow + Math.floor(h / columns)), BigInt(h % columns)];
      const row = mix(mix(absorb(key, i)));
      const column = mix(mix(absorb(columnKey, j)));
      const v = mix((row / 65536n + 1n) * (column % 32768n) + (column / 65536n + 1n) * (row % 32768n));
      planes[0].push(Number(v / 2n ** 21n));
      planes[1].push(Number((v / 2n ** 11n) % 1024n));
      planes[2].push(Number((v / 2n) % 1024n));
    }
    nextRow += rows;
    return planes.flat().slice(0, size);
  });
}
