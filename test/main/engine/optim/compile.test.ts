// compile(): K steps in one Loop call equal K single-step calls, M accumulated micro-batches
// equal one batch M times larger, state round-trips through getState/setState, and bad use
// fails with messages that name the field and both shapes. Float64 so equality is tight.
import { describe, expect, it, vi } from 'vitest';
import type { Graph, Tensor } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import type { TrainingProgram, TrainingState } from '../../../../src/main/engine/optim/trainingProgram';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { buildFusedGraph } from '../../../../src/main/engine/optim/fused';
import { compile, deviceStateOutputs } from '../../../../src/main/engine/optim/program';
import type { StepMode } from '../../../../src/main/engine/optim/stepMode';
import { CPU_LOOP_MAX_PARAM_BYTES } from '../../../../src/main/engine/optim/stepMode';
import { expectClose, f64 } from './helpers';
import { data, HIDDEN, IN, initialParams, mlp, OUT, PARAMS, spec } from './mlp';

function flat(state: TrainingState): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries({ ...state.params, ...state.optimizer }))
    out[k] = Array.from(v.data as Float64Array);
  return out;
}

async function withProgram<T>(s: CompileSpec, fn: (p: TrainingProgram) => Promise<T>): Promise<T> {
  const program = await compile(s);
  try {
    return await fn(program);
  } finally {
    await program.release();
  }
}

describe('compile(): fused K-step training', () => {
  const K = 4;
  const B = 5;

  it('K steps in one Loop call equal K single-step calls and K one-step runs in one call', async () => {
    const { x, y } = data(K, B);
    const looped = await withProgram(spec(K, B, { mode: 'loop' }), async (p) => {
      expect(p.mode).toBe('loop');
      p.setParams(initialParams());
      const r = await p.step({ x, y });
      return { r, state: await p.getState() };
    });
    const single = await withProgram(spec(1, B), async (p) => {
      expect(p.mode).toBe('single');
      p.setParams(initialParams());
      const losses: number[] = [];
      for (let s = 0; s < K; s++) {
        const r = await p.step({
          x: x.subarray(s * B * IN, (s + 1) * B * IN),
          y: y.subarray(s * B * OUT, (s + 1) * B * OUT),
        });
        losses.push(r.losses[0]);
      }
      return { losses, state: await p.getState() };
    });
    const perStep = await withProgram(spec(K, B, { mode: 'single' }), async (p) => {
      p.setParams(initialParams());
      await p.step({ x: f64([K, B, IN], x), y: f64([K, B, OUT], y) });
      return p.getState();
    });
    expect(looped.state.step).toBe(K);
    expect(single.state.step).toBe(K);
    const a = flat(looped.state);
    const b = flat(single.state);
    const c = flat(perStep);
    for (const name of Object.keys(b)) {
      expectClose(a[name], b[name], 1e-6, `loop vs single: ${name}`);
      expectClose(c[name], b[name], 1e-6, `one-step runs vs single: ${name}`);
    }
    expectClose(looped.r.losses, single.losses, 1e-6, 'losses');
    // Warmup of 2 steps: the first update has rate 0, the second peak/2.
    expectClose(looped.r.lr, [0, 0.025, 0.05, 0.05 * 0.5 * (1 + Math.cos(Math.PI / 8))], 1e-6, 'rates', 1e-30);
    expect(Array.from(looped.r.gradNorms).every((n) => n > 0)).toBe(true);
  });

  const accumulationCases: ['loop' | 'unroll', number, StepMode][] = [
    ['loop', 2, 'loop'],
    ['unroll', 2, 'loop'],
    ['loop', 2, 'single'],
    ['loop', 1, 'auto'],
  ];
  for (const [accumulationMode, k, mode] of accumulationCases) {
    it(`M accumulated micro-batches give the same update as one batch M times larger (${accumulationMode}, K = ${k}, ${mode})`, async () => {
      const M = 3;
      const rows = 2;
      const { x, y } = data(k, M * rows);
      const optimizer = { kind: 'adafactor', beta1: 0.9 } as const;
      const accumulated = await withProgram(
        spec(k, rows, { accumulation: M, accumulationMode, optimizer, mode }),
        async (p) => {
          p.setParams(initialParams());
          const r = await p.step({ x: f64([k, M, rows, IN], x), y });
          return { r, state: flat(await p.getState()) };
        },
      );
      const big = await withProgram(spec(k, M * rows, { optimizer }), async (p) => {
        p.setParams(initialParams());
        const r = await p.step({ x, y });
        return { r, state: flat(await p.getState()) };
      });
      for (const name of Object.keys(big.state))
        expectClose(accumulated.state[name], big.state[name], 1e-6, `accumulated ${name}`);
      expectClose(accumulated.r.losses, big.r.losses, 1e-6, 'losses');
      expectClose(accumulated.r.gradNorms, big.r.gradNorms, 1e-6, 'grad norms');
    });
  }

  it('looped accumulation builds two copies of the model whatever M; unrolled builds M', () => {
    const matmuls = (g: Graph): number =>
      g.nodes.reduce((n, node) => {
        const body = node.attrs.body;
        return n + (node.opType === 'MatMul' ? 1 : 0) + (body instanceof Object && 'nodes' in body ? matmuls(body) : 0);
      }, 0);
    const count = (m: number, isLooped: boolean): number =>
      matmuls(buildFusedGraph(spec(2, 2, { accumulation: m }), 'loop', { isAccumulationLooped: isLooped }).graph);
    expect(count(3, true)).toBe(count(6, true));
    expect(count(6, false)).toBe(3 * count(2, false));
  });

  it('in float32 too, K = 8 steps in one Loop call equal 8 single-step calls (≤ 1e-6 relative)', async () => {
    const f32 = PARAMS.map((p) => ({ name: p.name, shape: p.shape }));
    const f32Spec = (k: number): CompileSpec => ({
      ...spec(k, B),
      params: f32,
      batch: [
        { name: 'x', dtype: 'float32', shape: [B, IN] },
        { name: 'y', dtype: 'float32', shape: [B, OUT] },
      ],
    });
    const init: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(initialParams())) init[name] = Float32Array.from(t.data as Float64Array);
    const { x, y } = data(8, B);
    const [x32, y32] = [Float32Array.from(x), Float32Array.from(y)];
    const looped = await withProgram(f32Spec(8), async (p) => {
      p.setParams(init);
      await p.step({ x: x32, y: y32 });
      return p.getState();
    });
    const single = await withProgram(f32Spec(1), async (p) => {
      p.setParams(init);
      for (let s = 0; s < 8; s++) {
        await p.step({
          x: x32.subarray(s * B * IN, (s + 1) * B * IN),
          y: y32.subarray(s * B * OUT, (s + 1) * B * OUT),
        });
      }
      return p.getState();
    });
    for (const name of Object.keys(single.params)) {
      const a = Array.from(looped.params[name].data as Float32Array);
      expectClose(a, Array.from(single.params[name].data as Float32Array), 1e-6, `float32 ${name}`, 1e-3);
    }
  });

  it('resumes from getState() in a new program exactly', async () => {
    const { x, y } = data(4, B);
    const half = (t: Float64Array, i: number): Float64Array => t.subarray((i * t.length) / 2, ((i + 1) * t.length) / 2);
    const straight = await withProgram(spec(2, B), async (p) => {
      p.setParams(initialParams());
      await p.step({ x: half(x, 0), y: half(y, 0) });
      await p.step({ x: half(x, 1), y: half(y, 1) });
      return flat(await p.getState());
    });
    const saved = await withProgram(spec(2, B), async (p) => {
      p.setParams(initialParams());
      await p.step({ x: half(x, 0), y: half(y, 0) });
      return p.getState();
    });
    const resumed = await withProgram(spec(2, B), async (p) => {
      p.setState(saved);
      await p.step({ x: half(x, 1), y: half(y, 1) });
      return flat(await p.getState());
    });
    for (const name of Object.keys(straight)) expectClose(resumed[name], straight[name], 1e-12, `resumed ${name}`);
  });

  it("under 'auto' loops K > 1 steps on the CPU for a small model, one-step runs for a large one", async () => {
    await withProgram(spec(2, B), async (p) => expect(p.mode).toBe('loop'));
    // An extra parameter past CPU_LOOP_MAX_PARAM_BYTES (float64), summed into the loss.
    const size = CPU_LOOP_MAX_PARAM_BYTES / 8 + 1;
    const large = spec(2, B, {
      params: [...PARAMS, { name: 'extra', shape: [size], dtype: 'float64' }],
      build: (g, p, batch) => ({ loss: op.add(mlp(g, p, batch).loss, op.reduceMean(p.extra, null)) }),
    });
    await withProgram(large, async (p) => expect(p.mode).toBe('single'));
    await withProgram({ ...large, providers: ['cuda', 'cpu'] }, async (p) => {
      if (p.placement.provider === 'cuda') expect(p.mode).toBe('loop');
      else {
        // No CUDA here: the session opened for CUDA's Loop is re-opened as one-step runs on the CPU.
        expect(p.mode).toBe('single');
        expect(p.placement.message).toMatch(/cuda did not load/);
        expect(p.placement.requested).toEqual(['cuda', 'cpu']);
      }
    });
  });

  it('runs a float64 program with WebGPU first: the CPU Loop graph without WebGPU, host state with it', async () => {
    await withProgram(spec(2, B, { providers: ['webgpu', 'cpu'] }), async (p) => {
      if (p.placement.provider === 'cpu') {
        // No WebGPU adapter on this machine: the CPU loops a model this small (stepMode.ts).
        expect(p.mode).toBe('loop');
        expect(p.placement.message).toMatch(/webgpu/);
      } else {
        // WebGPU loaded (a GPU, or lavapipe): one step per call, float64 state kept on the host.
        expect(p.mode).toBe('single');
      }
      p.setParams(initialParams());
      const { x, y } = data(2, B);
      expect((await p.step({ x, y })).losses.length).toBe(2);
      const state = await p.getState();
      expect(state.step).toBe(2);
      expect(state.params.w1.dtype).toBe('float64');
    });
  });

  it('reads float32 state kept on the WebGPU device back into a checkpoint, equal to the CPU run', async () => {
    // NOTE: a WebGPU run's first checkpoint once aborted the process (ORT's getData() on a
    // gpu-buffer output); this reads the device state back through getState() as a run does.
    const s32: CompileSpec = {
      ...spec(1, B, { clipNorm: undefined }),
      params: PARAMS.map((p) => ({ ...p, dtype: 'float32' as const })),
      batch: spec(1, B).batch.map((f) => ({ ...f, dtype: 'float32' as const })),
    };
    const params32 = Object.fromEntries(
      Object.entries(initialParams()).map(([k, v]) => [
        k,
        { ...v, dtype: 'float32' as const, data: Float32Array.from(v.data as Float64Array) },
      ]),
    );
    const { x, y } = data(2, B);
    const run = (providers: ('webgpu' | 'cpu')[]) =>
      withProgram({ ...s32, providers }, async (p) => {
        p.setParams(params32);
        for (let s = 0; s < 2; s++)
          await p.step({
            x: Float32Array.from(x.subarray(s * B * IN, (s + 1) * B * IN)),
            y: Float32Array.from(y.subarray(s * B * OUT, (s + 1) * B * OUT)),
          });
        return { provider: p.placement.provider, state: await p.getState() };
      });
    const gpu = await run(['webgpu']);
    expect(gpu.provider).toBe('webgpu');
    const cpu = await run(['cpu']);
    expect(gpu.state.step).toBe(2);
    for (const [name, t] of Object.entries({ ...cpu.state.params, ...cpu.state.optimizer })) {
      const got = { ...gpu.state.params, ...gpu.state.optimizer }[name];
      expect(got.dtype, name).toBe('float32');
      expectClose(
        Array.from(got.data as Float32Array),
        Array.from(t.data as Float32Array),
        1e-4,
        `webgpu vs cpu: ${name}`,
      );
    }
  });

  it('keeps only float32 state on the device (WebGPU has no float64 buffers)', () => {
    const s64 = spec(1, B);
    const { nextOutputs: next64 } = buildFusedGraph(s64, 'single');
    expect(deviceStateOutputs(s64, next64)).toEqual([]);
    const s32 = {
      ...s64,
      params: PARAMS.map((p) => ({ ...p, dtype: 'float32' as const })),
      batch: s64.batch.map((f) => ({ ...f, dtype: 'float32' as const })),
    };
    const { nextOutputs: next32 } = buildFusedGraph(s32, 'single');
    const kept = deviceStateOutputs(s32, next32);
    // Every parameter buffer and moment, never the step counter. AdamW's flat layout: one
    // buffer of decayed (w1, w2) and one of undecayed parameters (b1, b2), each with m and v.
    expect(kept.length).toBe(2 * 3);
    expect(kept).not.toContain(next32['train.step']);
    const perTensor = { ...s32, stateLayout: 'per-tensor' as const };
    const { nextOutputs: nextPer } = buildFusedGraph(perTensor, 'single');
    expect(deviceStateOutputs(perTensor, nextPer).length).toBe(PARAMS.length * 3);
  });
});

describe('compile(): session options', () => {
  it("opens the training session without ORT's memory pattern (it raised a t5-small step's peak RSS by ~40%)", async () => {
    const create = vi.spyOn(EngineSession, 'create');
    try {
      await withProgram(spec(1, 2), async () => undefined);
      expect(create).toHaveBeenCalledTimes(1);
      expect(create.mock.calls[0][1]?.memoryPattern).toBe(false);
    } finally {
      create.mockRestore();
    }
  });
});

describe('compile(): a provider that did not load', () => {
  it("re-opens a one-step program the CPU got instead of CUDA as the CPU's graph", async () => {
    const create = vi.spyOn(EngineSession, 'create');
    try {
      await withProgram(spec(1, 2, { providers: ['cuda', 'cpu'] }), async (p) => {
        const isCuda = p.placement.provider === 'cuda';
        // Without CUDA (this machine): a GPU-shaped graph first, then the CPU's.
        expect(create).toHaveBeenCalledTimes(isCuda ? 1 : 2);
        if (!isCuda) {
          expect(create.mock.calls[1][1]?.providers).toEqual(['cpu']);
          expect(p.placement).toMatchObject({ provider: 'cpu', requested: ['cuda', 'cpu'] });
          expect(p.placement.message).toMatch(/cuda did not load/);
        }
        p.setParams(initialParams());
        const { x, y } = data(1, 2);
        expect((await p.step({ x, y })).losses.length).toBe(1);
      });
    } finally {
      create.mockRestore();
    }
  });
});

describe('compile(): bad use', () => {
  it('names the batch field and both shapes', async () => {
    await withProgram(spec(2, 5), async (p) => {
      p.setParams(initialParams());
      const { x, y } = data(2, 5);
      await expect(p.step({ x: f64([2, 5, IN + 1], new Float64Array(2 * 5 * (IN + 1))), y })).rejects.toThrow(
        "batch field 'x': expected shape [2, 5, 4] (K·M = 2·1 stacked micro-batches of [5, 4]), got [2, 5, 5]",
      );
      await expect(p.step({ x: x.subarray(1), y })).rejects.toThrow(
        "batch field 'x': expected 40 values for shape [2, 5, 4] (K·M = 2·1 stacked micro-batches of [5, 4]), got 39",
      );
      await expect(p.step({ x: Float32Array.from(x), y })).rejects.toThrow(
        "batch field 'x': expected float64 data, got a Float32Array",
      );
      await expect(p.step({ x })).rejects.toThrow("step(): missing batch field 'y'; expected fields: x, y");
      await expect(p.step({ x, y, z: y })).rejects.toThrow("step(): unknown batch field 'z'; expected fields: x, y");
    });
  });

  it('rejects steps before parameters, bad parameters, configs and losses', async () => {
    await withProgram(spec(1, 5), async (p) => {
      await expect(p.step(data(1, 5))).rejects.toThrow('no training state yet; call setParams() or setState() first');
      const params = initialParams();
      expect(() => p.setParams({ ...params, w1: f64([HIDDEN, IN], params.w1.data as Float64Array) })).toThrow(
        "setParams(): 'w1' has shape [8, 4], expected [4, 8]",
      );
      expect(() => p.setParams({ ...params, extra: params.b2 })).toThrow("setParams(): unknown parameter 'extra'");
    });
    await expect(compile(spec(1, 5, { optimizer: { kind: 'sgd' } as never }))).rejects.toThrow(
      "Unknown optimizer 'sgd'; expected one of: adamw, adafactor",
    );
    await expect(compile(spec(0, 5))).rejects.toThrow('compile(): k must be an integer ≥ 1, got 0');
    const perExample = (
      g: Graph,
      p: Readonly<Record<string, Tensor>>,
      b: Readonly<Record<string, Tensor>>,
    ): { loss: Tensor } => ({
      loss: op.reduceMean(op.sub(op.matmul(b.x, p.w1), 1), [1]),
    });
    await expect(compile(spec(1, 5, { build: perExample, params: PARAMS.slice(0, 1) }))).rejects.toThrow(
      /build\(\) must return a scalar float loss; got .*float64\[5\]/,
    );
    await expect(
      compile(
        spec(1, 5, {
          build: (g, p, b) => mlp(g, { ...p, w2: p.w2, b2: p.b2 }, b),
          params: [...PARAMS, { name: 'unused', shape: [2], dtype: 'float64' }],
        }),
      ),
    ).rejects.toThrow("parameter 'unused' does not affect the loss");
  });
});
