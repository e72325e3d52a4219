// downloadDeviceTensor(): tensors a WebGPU session kept on the device (lavapipe here) come back
// to the host whole, for two dtypes and ranks, and the device tensor stays usable as a feed.
import { describe, expect, it } from 'vitest';
import { downloadDeviceTensor } from '../../../../src/main/engine/onnx/download';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import { probeProviders } from '../../../../src/main/engine/onnx/probe';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession, type DeviceTensor, type Feed } from '../../../../src/main/engine/onnx/session';

describe('downloadDeviceTensor on WebGPU (lavapipe)', () => {
  it('copies float32 and int32 device outputs of any rank back to the host', async () => {
    const webgpu = (await probeProviders()).providers.find((p) => p.name === 'webgpu');
    if (!webgpu?.available) throw new Error(`WebGPU is not available here (${webgpu?.reason ?? 'not probed'})`);
    const g = new Graph('t');
    const x = g.input('x', 'float32', [2, 3]);
    const i = g.input('i', 'int32', [5]);
    g.output(op.add(x, x), 'twice');
    g.output(op.add(i, i), 'ids');
    const session = await EngineSession.create(serializeModel(g), {
      providers: ['webgpu'],
      keepOnDevice: ['twice', 'ids'],
    });
    try {
      const feeds: Record<string, Feed> = {
        x: { dtype: 'float32', dims: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, -6) },
        i: { dtype: 'int32', dims: [5], data: Int32Array.of(7, 0, -1, 2, 100000) },
      };
      const out = await session.run(feeds);
      const twice = out.twice as DeviceTensor;
      const ids = out.ids as DeviceTensor;
      expect([twice.kind, ids.kind]).toEqual(['device', 'device']);
      expect(Array.from((await downloadDeviceTensor(twice.handle as never)) as Float32Array)).toEqual([
        2, 4, 6, 8, 10, -12,
      ]);
      expect(Array.from((await downloadDeviceTensor(ids.handle as never)) as Int32Array)).toEqual([
        14, 0, -2, 4, 200000,
      ]);
      // Reading it twice gives the same: the device tensor is left as it was.
      expect(Array.from((await twice.download()).data as Float32Array)).toEqual([2, 4, 6, 8, 10, -12]);
      twice.dispose();
      ids.dispose();
    } finally {
      await session.release();
    }
  });
});
