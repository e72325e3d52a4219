// The relative-position bias lookup (t5/positionBias.ts): a GPU graph looks the table up by a
// product with the bucket ids' one-hot in slices of the query rows; its values are the
// Gather's, exactly, and its gradient passes a finite-difference check with more than one
// slice. positionSlices is checked against every divisor of Tq.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { bucketTable } from '../../../../src/main/engine/t5/buckets';
import { t5Preset } from '../../../../src/main/engine/t5/config';
import type { BuildContext } from '../../../../src/main/engine/t5/layers';
import { int32Constant } from '../../../../src/main/engine/t5/model';
import { positionBias, positionSlices, POSITIONS_PER_SLICE } from '../../../../src/main/engine/t5/positionBias';
import { expectGradientsMatch } from '../autodiff/expect';
import { randoms } from '../autodiff/fd';

/** Tq = Tk = 128: 16,384 positions, so positionSlices gives 4 slices of 32 rows. */
const T = 128;
const config = { ...t5Preset('t5-small'), relativeAttentionNumBuckets: 4, numHeads: 2 };

/** The encoder's bucket ids for a T × T grid, as the model builds them. */
function buckets(g: Graph): Tensor {
  return int32Constant(g, [T, T], bucketTable(T, T, true, config.relativeAttentionNumBuckets, 16));
}

/** Just what positionBias reads of a BuildContext, the table given. */
function context(table: Tensor, device: 'cpu' | 'gpu'): BuildContext {
  return { g: table.graph, config, dtype: table.dtype, device, param: () => table } as unknown as BuildContext;
}

describe('positionSlices', () => {
  it.each([
    [512, 512],
    [128, 128],
    [114, 114],
    [32, 7],
    [1, 4096],
    [4096, 1],
  ])('Tq %i, Tk %i: the most slices that divide Tq and hold POSITIONS_PER_SLICE each', (tq, tk) => {
    const fits = Array.from({ length: tq }, (_, i) => i + 1).filter(
      (s) => tq % s === 0 && (s === 1 || (tq / s) * tk >= POSITIONS_PER_SLICE),
    );
    expect(positionSlices(tq, tk)).toBe(Math.max(...fits));
  });
});

describe('positionBias on a GPU', () => {
  it('holds the Gather lookup’s values exactly, in 4 slices', async () => {
    expect(positionSlices(T, T)).toBe(4);
    const g = new Graph('bias');
    const table = g.input('table', 'float32', [config.relativeAttentionNumBuckets, config.numHeads]);
    const ids = buckets(g);
    g.output(positionBias(context(table, 'cpu'), 'table', ids), 'gathered');
    g.output(positionBias(context(table, 'gpu'), 'table', ids), 'product');
    const session = await EngineSession.create(serializeModel(g));
    try {
      const values = Float32Array.from(randoms(8, 3));
      const out = await session.runHost({ table: { dtype: 'float32', dims: [4, 2], data: values } });
      expect(out.product.dims).toEqual([1, 2, T, T]);
      expect(out.product.data).toEqual(out.gathered.data);
    } finally {
      await session.release();
    }
  });

  it('has the gradient central differences give (the table’s, summed over 4 slices)', () =>
    expectGradientsMatch({
      inputs: [{ name: 'table', shape: [config.relativeAttentionNumBuckets, config.numHeads] }],
      build: ([table]) => positionBias(context(table, 'gpu'), 'table', buckets(table.graph)),
    }));
});
