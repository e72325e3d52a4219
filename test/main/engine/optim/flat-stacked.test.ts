// The stacked state layout (optim/flat.ts, Adafactor's default): parameters of one shape and
// decay class stacked on a leading axis, so Adafactor, whose statistics, clipping and scale are
// per parameter, updates a stack in one set of nodes. A deeper MLP than mlp.ts's, with
// repeated shapes: it trains to the per-tensor layout's numbers (float64, to the last bits of
// the means), keeps its host state named per parameter, and its update's node count does not
// grow with the number of parameters in a stack.
import { describe, expect, it } from 'vitest';
import type { Graph, Tensor } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { bucketsOf } from '../../../../src/main/engine/optim/flat';
import { buildFusedGraph } from '../../../../src/main/engine/optim/fused';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import { compile } from '../../../../src/main/engine/optim/program';
import type { StateLayout } from '../../../../src/main/engine/optim/spec';
import type { TrainingState } from '../../../../src/main/engine/optim/trainingProgram';
import { expectClose, f64, seeded } from './helpers';
import { elementCount } from '../../../../src/main/engine/shape';

const B = 4;
const [IN, HIDDEN, OUT] = [3, 6, 2];

/** w0 (IN, H), then `depth` hidden layers (H, H) with biases (H), then wOut (H, OUT), bOut and two scalar gains. */
function deepParams(depth: number) {
  const hidden = Array.from({ length: depth }, (_, i) => [
    { name: `w${i + 1}`, shape: [HIDDEN, HIDDEN] },
    { name: `b${i + 1}`, shape: [HIDDEN] },
  ]).flat();
  return [
    { name: 'w0', shape: [IN, HIDDEN] },
    { name: 'b0', shape: [HIDDEN] },
    ...hidden,
    { name: 'wOut', shape: [HIDDEN, OUT] },
    { name: 'bOut', shape: [OUT] },
    { name: 'gain1', shape: [] },
    { name: 'gain2', shape: [] },
  ].map((p) => ({ ...p, dtype: 'float64' as const }));
}

function deepMlp(depth: number) {
  return (_g: Graph, p: Readonly<Record<string, Tensor>>, batch: Readonly<Record<string, Tensor>>) => {
    let h = op.relu(op.add(op.matmul(batch.x, p.w0), p.b0));
    for (let i = 1; i <= depth; i++) h = op.relu(op.add(op.matmul(h, p[`w${i}`]), p[`b${i}`]));
    const out = op.mul(op.mul(op.add(op.matmul(h, p.wOut), p.bOut), p.gain1), p.gain2);
    const err = op.sub(out, batch.y);
    return { loss: op.reduceMean(op.mul(err, err), null) };
  };
}

/** Adafactor (HF's defaults, with weight decay and a first moment) over the deep MLP, K = 3. */
function deepSpec(depth: number, stateLayout: StateLayout, overrides: Partial<CompileSpec> = {}): CompileSpec {
  return {
    build: deepMlp(depth),
    params: deepParams(depth),
    batch: [
      { name: 'x', dtype: 'float64', shape: [B, IN] },
      { name: 'y', dtype: 'float64', shape: [B, OUT] },
    ],
    optimizer: { kind: 'adafactor', weightDecay: 0.1, beta1: 0.9 },
    schedule: { kind: 'constant', peakLr: 0.01, warmupSteps: 0 },
    clipNorm: 0.5,
    k: 3,
    stateLayout,
    ...overrides,
  };
}

function initial(depth: number): Record<string, HostTensor> {
  const rand = seeded(5);
  return Object.fromEntries(deepParams(depth).map((p) => [p.name, f64(p.shape, rand(elementCount(p.shape)))]));
}

/** Two calls of K = 3 steps; the state after each. */
async function trained(s: CompileSpec, start: Record<string, HostTensor> | TrainingState): Promise<TrainingState[]> {
  const rand = seeded(9);
  const program = await compile(s);
  try {
    if ('step' in start) program.setState(start as TrainingState);
    else program.setParams(start);
    const states: TrainingState[] = [];
    for (let call = 0; call < 2; call++) {
      await program.step({ x: Float64Array.from(rand(3 * B * IN)), y: Float64Array.from(rand(3 * B * OUT)) });
      states.push(await program.getState());
    }
    return states;
  } finally {
    await program.release();
  }
}

function expectSameState(actual: TrainingState, expected: TrainingState): void {
  expect(actual.step).toBe(expected.step);
  const named = (s: TrainingState) => ({ ...s.params, ...s.optimizer });
  expect(Object.keys(named(actual)).sort()).toEqual(Object.keys(named(expected)).sort());
  for (const [name, t] of Object.entries(named(expected))) {
    expect(named(actual)[name].dims, name).toEqual(t.dims);
    expectClose(named(actual)[name].data as Float64Array, t.data as Float64Array, 1e-12, name);
  }
}

describe('stacked buckets', () => {
  it('stack parameters of one shape and decay class, in stacks that fit maxBucketBytes; a lone one keeps its own', () => {
    const names = (s: CompileSpec) =>
      bucketsOf(s).map((b) => [b.name, b.shape, b.isStacked, b.members.map((m) => m.name)]);
    expect(names(deepSpec(3, 'stacked'))).toEqual([
      ['w0', [IN, HIDDEN], false, ['w0']],
      ['stack/decay/0', [3, HIDDEN, HIDDEN], true, ['w1', 'w2', 'w3']],
      ['wOut', [HIDDEN, OUT], false, ['wOut']],
      ['stack/nodecay/0', [4, HIDDEN], true, ['b0', 'b1', 'b2', 'b3']],
      ['bOut', [OUT], false, ['bOut']],
      ['stack/nodecay/1', [2], true, ['gain1', 'gain2']], // scalars: each its own RMS
    ]);
    // Room for two hidden matrices (8 bytes × 36 each) per stack: w1 and w2 stacked, w3 alone.
    const small = names(deepSpec(3, 'stacked', { maxBucketBytes: 2 * 8 * 36 + 7 }));
    expect(small.slice(1, 3)).toEqual([
      ['stack/decay/0', [2, HIDDEN, HIDDEN], true, ['w1', 'w2']],
      ['w3', [HIDDEN, HIDDEN], false, ['w3']],
    ]);
  });
});

describe('stacked Adafactor program', () => {
  // A Loop cuts the views in the graph (Split along the stack); one-step CPU runs are fed them.
  it.each(['loop', 'single'] as const)(
    'trains to the per-tensor layout’s state (factored, vectors, scalars, first moment, decay, clipping; %s)',
    async (mode) => {
      const stacked = await trained(deepSpec(3, 'stacked', { mode }), initial(3));
      const perTensor = await trained(deepSpec(3, 'per-tensor', { mode }), initial(3));
      expectSameState(stacked[1], perTensor[1]);
      // It moved: each hidden matrix by its own step (parameter scale and clipping per matrix).
      const moved = (name: string) =>
        Math.abs(Number(stacked[1].params[name].data[0]) - Number(initial(3)[name].data[0]));
      for (const name of ['w1', 'w2', 'w3', 'b1', 'gain2']) expect(moved(name), name).toBeGreaterThan(1e-4);
    },
  );

  it('keeps its host state named per parameter: a per-tensor state resumes in it as in its own layout', async () => {
    const [first] = await trained(deepSpec(3, 'per-tensor'), initial(3));
    expect(Object.keys(first.optimizer)).toContain('opt.row/w2');
    expect(first.optimizer['opt.sq/b2'].dims).toEqual([HIDDEN]);
    const resumed = await trained(deepSpec(3, 'stacked'), first);
    const straight = await trained(deepSpec(3, 'per-tensor'), first);
    expectSameState(resumed[1], straight[1]);
  });

  it('runs on WebGPU as on the CPU (the views cut by Splits along the stack, on the device)', async () => {
    const s32 = (providers: ('webgpu' | 'cpu')[]): CompileSpec => {
      const s = deepSpec(3, 'stacked', { providers, k: 1, clipNorm: undefined, recordPlacement: true });
      return {
        ...s,
        params: s.params.map((p) => ({ ...p, dtype: 'float32' as const })),
        batch: s.batch.map((f) => ({ ...f, dtype: 'float32' as const })),
      };
    };
    const to32 = (t: HostTensor): HostTensor => ({
      ...t,
      dtype: 'float32',
      data: Float32Array.from(t.data as Float64Array),
    });
    const start = Object.fromEntries(Object.entries(initial(3)).map(([name, t]) => [name, to32(t)]));
    const run = async (providers: ('webgpu' | 'cpu')[]) => {
      const rand = seeded(9);
      const program = await compile(s32(providers));
      try {
        program.setParams(start);
        for (let i = 0; i < 2; i++)
          await program.step({ x: Float32Array.from(rand(B * IN)), y: Float32Array.from(rand(B * OUT)) });
        const { isFullyPlaced } = program.nodePlacement();
        return { provider: program.placement.provider, isFullyPlaced, state: await program.getState() };
      } finally {
        await program.release();
      }
    };
    const [gpu, cpu] = [await run(['webgpu']), await run(['cpu'])];
    expect([gpu.provider, cpu.provider, gpu.isFullyPlaced]).toEqual(['webgpu', 'cpu', true]);
    for (const [name, t] of Object.entries({ ...cpu.state.params, ...cpu.state.optimizer })) {
      const got = { ...gpu.state.params, ...gpu.state.optimizer }[name];
      expectClose(got.data as Float32Array, t.data as Float32Array, 1e-4, `webgpu vs cpu: ${name}`);
    }
  });

  it('updates a stack with the same nodes whether it holds 2 or 20 parameters', () => {
    // The optimizer scope, less the Reshape (an alias) that gives each gradient its stack axis.
    const updateNodes = (depth: number, layout: StateLayout) =>
      buildFusedGraph(deepSpec(depth, layout, { k: 1 }), 'single').graph.nodes.filter(
        (n) => n.name.startsWith('optim/') && n.opType !== 'Reshape',
      ).length;
    expect(updateNodes(20, 'stacked')).toBe(updateNodes(2, 'stacked'));
    expect(updateNodes(20, 'per-tensor')).toBeGreaterThan(updateNodes(2, 'per-tensor') + 18 * 20);
  });
});
