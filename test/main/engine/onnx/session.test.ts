// ortOptions(): our SessionOptions as onnxruntime-node's, in particular the settings that
// decide a training step's peak memory (ORT's memory pattern) and the strict placement flag;
// runHost, which must free the GPU buffer of an output it downloads; run writing outputs into
// given memory; and opProfile, the kernel time by op type from the recording nodePlacement
// also reads.
import * as ort from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import { probeProviders } from '../../../../src/main/engine/onnx/probe';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession, ortOptions, type HostTensor } from '../../../../src/main/engine/onnx/session';

describe('ortOptions', () => {
  it("turns ORT's memory pattern off only when asked, and leaves ORT's default otherwise", () => {
    expect(ortOptions('cpu', { memoryPattern: false }, false).enableMemPattern).toBe(false);
    expect(ortOptions('cpu', { memoryPattern: true }, false).enableMemPattern).toBe(true);
    expect('enableMemPattern' in ortOptions('cpu', {}, false)).toBe(false);
  });

  it('passes threads, denormal flushing and strict placement through', () => {
    const opts = ortOptions('webgpu', { intraOpThreads: 2, flushDenormals: true }, true);
    expect(opts.intraOpNumThreads).toBe(2);
    expect(opts.executionProviders).toEqual(['webgpu']);
    expect(opts.extra).toEqual({ session: { disable_cpu_ep_fallback: '1', set_denormal_as_zero: '1' } });
  });

  it("gives WebGPU its buffer cache when asked, as the provider's own option, and no other provider one", () => {
    expect(ortOptions('webgpu', { webgpuBufferCache: 'simple' }, true).executionProviders).toEqual([
      { name: 'webgpu', storageBufferCacheMode: 'simple' },
    ]);
    expect(ortOptions('cpu', { webgpuBufferCache: 'simple' }, true).executionProviders).toEqual(['cpu']);
  });
});

describe('EngineSession placement', () => {
  // DirectML loads on Windows only; the suite runs on Linux, where it never does.
  const model = () => {
    const g = new Graph('p');
    g.output(op.neg(g.input('x', 'float32', [1])), 'y');
    return serializeModel(g);
  };

  it('keeps why a provider did not load apart from the note that the CPU runs instead', async () => {
    const session = await EngineSession.create(model(), { providers: ['dml'] });
    const { provider, reasons, message } = session.placement;
    expect(provider).toBe('cpu');
    expect(reasons).toEqual([
      expect.stringMatching(/^dml did not load \(.+\); DirectML is available on Windows only$/),
    ]);
    expect(message).toBe(`${reasons[0]}; running on the CPU instead`);
    await session.release();
  });

  it('adds no note when the CPU was among the providers asked for', async () => {
    const session = await EngineSession.create(model(), { providers: ['dml', 'cpu'] });
    expect(session.placement.reasons).toHaveLength(1);
    expect(session.placement.message).toBe(session.placement.reasons[0]);
    await session.release();
  });
});

describe('EngineSession.runHost on WebGPU (lavapipe)', () => {
  it('downloads an output kept on the device and frees its GPU buffer', async () => {
    const webgpu = (await probeProviders()).providers.find((p) => p.name === 'webgpu');
    if (!webgpu?.available) throw new Error(`WebGPU is not available here (${webgpu?.reason ?? 'not probed'})`);
    const g = new Graph('t');
    g.output(op.mul(g.input('x', 'float32', [3]), g.input('two', 'float32', [1])), 'y');
    const session = await EngineSession.create(serializeModel(g), { providers: ['webgpu'], keepOnDevice: ['y'] });
    const kept = await session.run({ x: f32([1, 2, 3]), two: f32([2]) });
    expect('kind' in kept.y && kept.y.kind).toBe('device');
    if ('kind' in kept.y) kept.y.dispose();
    const dispose = vi.spyOn(ort.Tensor.prototype, 'dispose');
    try {
      const host = await session.runHost({ x: f32([1, 2, 3]), two: f32([2]) });
      expect(Array.from(host.y.data as Float32Array)).toEqual([2, 4, 6]);
      expect(dispose).toHaveBeenCalledTimes(1);
    } finally {
      dispose.mockRestore();
      await session.release();
    }
  });
});

function f32(values: number[]): HostTensor {
  return { dtype: 'float32', dims: [values.length], data: Float32Array.from(values) };
}

describe('EngineSession.opProfile', () => {
  /** x + x and (x + x)·x: one Add and one Mul per run. */
  async function recorded(recordPlacement: boolean): Promise<EngineSession> {
    const g = new Graph('profiled');
    const x = g.input('x', 'float32', [4]);
    const sum = op.add(x, x);
    g.output(op.mul(sum, x), 'y');
    return EngineSession.create(serializeModel(g), { recordPlacement });
  }
  const feeds = { x: { dtype: 'float32', dims: [4], data: Float32Array.of(1, 2, 3, 4) } } as const;

  it('sums the runs after the skipped ones by op type, from the recording nodePlacement reads too', async () => {
    const session = await recorded(true);
    try {
      for (let i = 0; i < 3; i++) await session.run(feeds);
      const profile = session.opProfile(1);
      expect(profile.runs).toBe(2);
      expect(profile.ops.map((o) => [o.op, o.provider, o.nodes]).sort()).toEqual([
        ['Add', 'CPUExecutionProvider', 1],
        ['Mul', 'CPUExecutionProvider', 1],
      ]);
      expect(session.nodePlacement().byProvider).toEqual({ CPUExecutionProvider: { Add: 1, Mul: 1 } });
    } finally {
      await session.release();
    }
  });

  it("adds the GPU's own time per program on WebGPU (lavapipe), and none on the CPU", async () => {
    const webgpu = (await probeProviders()).providers.find((p) => p.name === 'webgpu');
    if (!webgpu?.available) throw new Error(`WebGPU is not available here (${webgpu?.reason ?? 'not probed'})`);
    const g = new Graph('profiled');
    const x = g.input('x', 'float32', [4]);
    g.output(op.mul(op.add(x, x), x), 'y');
    const session = await EngineSession.create(serializeModel(g), { providers: ['webgpu'], recordPlacement: true });
    const cpu = await recorded(true);
    try {
      for (let i = 0; i < 3; i++) await Promise.all([session.run(feeds), cpu.run(feeds)]);
      const gpu = session.opProfile(1).gpu;
      if (!gpu) throw new Error('no GPU time in the WebGPU profile');
      expect(gpu.programs.map((p) => [p.op, p.dispatches]).sort()).toEqual([
        ['Add', 1],
        ['Mul', 1],
      ]);
      expect(gpu.ms).toBeGreaterThan(0);
      // ORT writes the shapes its shader saw (4 floats may be one vec4): inputs, then outputs.
      const shape = /^inputs\[0\] = \{\d+\} inputs\[1\] = \{\d+\} outputs\[0\] = \{\d+\}$/;
      expect(gpu.kernels.map((k) => k.shapes)).toEqual([expect.stringMatching(shape), expect.stringMatching(shape)]);
      expect(cpu.opProfile(1).gpu).toBeUndefined();
    } finally {
      await Promise.all([session.release(), cpu.release()]);
    }
  });

  it('needs a session created with recordPlacement, and a run', async () => {
    const plain = await recorded(false);
    const unrun = await recorded(true);
    try {
      expect(() => plain.opProfile(0)).toThrow('opProfile(): create the session with recordPlacement: true');
      expect(() => unrun.opProfile(0)).toThrow('opProfile(): run the session once first');
    } finally {
      await Promise.all([plain.release(), unrun.release()]);
    }
  });
});

describe('EngineSession.run into given memory', () => {
  it('writes the outputs named in `into` there, returns every output, and refuses names it does not produce', async () => {
    const g = new Graph('into');
    const x = g.input('x', 'float32', [4]);
    g.output(op.mul(x, 2), 'twice');
    g.output(op.add(x, 1), 'plus');
    const session = await EngineSession.create(serializeModel(g));
    try {
      const memory = new Float32Array(12).fill(-1);
      const into: Record<string, HostTensor> = { twice: { dtype: 'float32', dims: [4], data: memory.subarray(4, 8) } };
      const feeds = { x: { dtype: 'float32', dims: [4], data: Float32Array.of(1, 2, 3, 4) } } as const;
      const out = await session.runHost(feeds, undefined, into);
      expect(Array.from(memory)).toEqual([-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1]);
      expect(Array.from(out.twice.data as Float32Array)).toEqual([2, 4, 6, 8]);
      expect(Array.from(out.plus.data as Float32Array)).toEqual([2, 3, 4, 5]);
      await expect(session.run(feeds, ['plus'], into)).rejects.toThrow("run(): 'twice' is not an output asked for");
    } finally {
      await session.release();
    }
  });
});
