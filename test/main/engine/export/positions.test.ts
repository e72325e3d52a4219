// In-graph relative-position buckets (exported graphs compute them from run-time lengths)
// against t5/buckets.ts, which the golden T5 tests check against PyTorch: both directions,
// queries after a cache offset, and distances past max_distance.
import { describe, expect, it } from 'vitest';
import { relativeBuckets, relativePositions } from '../../../../src/main/engine/export/positions';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession, type HostTensor } from '../../../../src/main/engine/onnx/session';
import { bucketTable } from '../../../../src/main/engine/t5/buckets';

describe('relativeBuckets', () => {
  it('computes the relative-position buckets of t5/buckets.ts in the graph', async () => {
    for (const bidirectional of [true, false]) {
      const g = new Graph('buckets');
      const q = g.input('q', 'int64', ['Q']);
      const k = g.input('k', 'int64', ['K']);
      g.output(relativeBuckets(relativePositions(q, k), bidirectional, 32, 128), 'buckets');
      const session = await EngineSession.create(serializeModel(g));
      const [queries, keys, start] = [7, 300, 150];
      const range = (n: number, from = 0): HostTensor => ({
        dtype: 'int64',
        dims: [n],
        data: BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)),
      });
      const out = await session.runHost({ q: range(queries, start), k: range(keys) });
      expect([...(out.buckets.data as BigInt64Array)]).toEqual([
        ...bucketTable(queries, keys, bidirectional, 32, 128, start),
      ]);
    }
  });
});
