// Copies a tensor kept on the WebGPU device back to the host by running it through a one-node
// Identity session whose output lives in ORT's default (CPU) location.
// NOTE: onnxruntime-node 1.30's Tensor.getData() on a 'gpu-buffer' output aborts the whole
// process ("terminate called after throwing an instance of 'char const*'"; seen on lavapipe at
// a WebGPU run's first checkpoint), while feeding a device tensor to another session on the
// same provider works (generation does it every token), so this takes that road.

import ort from 'onnxruntime-node';
import type { AnyTypedArray, DType } from './dtype';
import { Graph } from './graph';
import { identity } from './ops/elementwise';
import { serializeModel } from './serialize';
import { keepOrtTelemetryOff } from './telemetry';

/** One Identity session per dtype and rank, created on first use and kept for the process. */
const copySessions = new Map<string, Promise<ort.InferenceSession>>();

function copySession(dtype: DType, rank: number): Promise<ort.InferenceSession> {
  const key = `${dtype}/${rank}`;
  let session = copySessions.get(key);
  if (session === undefined) {
    const g = new Graph('spanfill_download');
    const shape = Array.from({ length: rank }, (_, i) => `d${i}`);
    g.output(identity(g.input('x', dtype, shape)), 'y');
    keepOrtTelemetryOff();
    session = ort.InferenceSession.create(serializeModel(g) as never, { executionProviders: ['webgpu'] });
    copySessions.set(key, session);
  }
  return session;
}

/** The data of `t`, a WebGPU tensor, as a host array (t itself is left as it was). */
export async function downloadDeviceTensor(t: ort.Tensor): Promise<AnyTypedArray> {
  const session = await copySession(t.type as DType, t.dims.length);
  const out = await session.run({ x: t });
  return out.y.data as AnyTypedArray;
}
