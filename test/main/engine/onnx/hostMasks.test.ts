// Dropout masks drawn on the host (hostMasks.ts, its WebAssembly row kernel) are the spec's
// masks bit for bit: against the big-integer reference, for requests of every kind of grid (part
// of a row, rows that are not whole SIMD groups, several rows, a third plane cut short, empty
// ones) and for each micro-batch of a step; the drawn memory is laid out [micro, size] per
// request; the graph side (FedMasks) serves the fed masks in order and refuses a mismatch.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { FedMasks, fedMaskName, hostCounterKey, HostMaskDraws } from '../../../../src/main/engine/onnx/hostMasks';
import { counterKey } from '../../../../src/main/engine/onnx/random';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { referenceDraws } from './randomReference';

/**
 * Sizes whose grids differ: 7 (one row of 3 columns, not a SIMD group), 0 (no row), 4099 (one
 * row of 1,367), 3·4096 (one whole row), 3·4096 + 3 (two rows: the second plane partly and the
 * third wholly past the end), 2·3·4096 + 5 (three rows), 12 (one group of four), 1.
 */
const SIZES = [7, 0, 4099, 3 * 4096, 3 * 4096 + 3, 2 * 3 * 4096 + 5, 12, 1];
const THRESHOLD = 102;
const SEED = 11;

const keeps = (draws: number[]): number[] => draws.map((d) => (d >= THRESHOLD ? 1 : 0));

describe('host dropout masks', () => {
  it('are the reference masks of each micro-batch of a step, for every kind of request grid', () => {
    const micro = 3;
    const draws = new HostMaskDraws({ sizes: SIZES, threshold: THRESHOLD }, micro, SEED);
    for (const step of [0, 5, 2 ** 31 - 3]) {
      const masks = draws.draw(step);
      for (let m = 0; m < micro; m++) {
        const expected = referenceDraws(SEED, [step, m], SIZES).map(keeps);
        SIZES.forEach((size, i) =>
          expect(
            Array.from(masks[i].subarray(m * size, (m + 1) * size)),
            `step ${step}, micro ${m}, request ${i}`,
          ).toEqual(expected[i]),
        );
      }
    }
  });

  it('lay each request out as [micro, size] in one memory, and the key is the graph’s counterKey', async () => {
    const draws = new HostMaskDraws({ sizes: [5, 9], threshold: THRESHOLD }, 2, SEED);
    expect(draws.masks.map((m) => m.length)).toEqual([10, 18]);
    expect(draws.masks[0].buffer).toBe(draws.masks[1].buffer);
    expect(draws.masks[1].byteOffset).toBe(draws.masks[0].byteOffset + 10);
    // The host key against the graph's (counterKey casts float counters to int32).
    const g = new Graph('key');
    const step = g.input('step', 'float32', []);
    g.output(counterKey(g, SEED, [step, g.constant({ dtype: 'int32', shape: [], data: Int32Array.of(1) })]), 'key');
    const session = await EngineSession.create(serializeModel(g));
    try {
      const out = await session.runHost({ step: { dtype: 'float32', dims: [], data: Float32Array.of(7) } });
      expect(out.key.data[0]).toBe(hostCounterKey(SEED, [7, 1]));
    } finally {
      await session.release();
    }
  });

  it('refuse a micro-batch count that is not a positive integer', () => {
    expect(() => new HostMaskDraws({ sizes: [5], threshold: THRESHOLD }, 0, SEED)).toThrow(/micro-batch count 0/);
  });
});

describe('FedMasks', () => {
  const fed = () => {
    const g = new Graph('fed');
    const inputs = [6, 4].map((size, i) => g.input(fedMaskName(i), 'bool', [size]));
    return { g, masks: new FedMasks(inputs, THRESHOLD) };
  };

  it('serves the fed masks in order, shaped as asked, and counts them', () => {
    const { masks } = fed();
    expect(masks.keep([2, 3], THRESHOLD).shape).toEqual([2, 3]);
    expect(masks.keep([4], THRESHOLD).shape).toEqual([4]);
    expect(masks.served).toBe(2);
  });

  it('refuses a request of another size or threshold, or one more than was fed, naming both', () => {
    expect(() => fed().masks.keep([5], THRESHOLD)).toThrow(
      /request 0 is 5 positions at threshold 102; the fed mask has 6 at threshold 102/,
    );
    expect(() => fed().masks.keep([6], 103)).toThrow(/request 0 is 6 positions at threshold 103/);
    const { masks } = fed();
    masks.keep([6], THRESHOLD);
    masks.keep([4], THRESHOLD);
    expect(() => masks.keep([1], THRESHOLD)).toThrow(/request 2 is 1 positions at threshold 102; only 2 are fed/);
  });
});
