// The flat state layout (optim/flat.ts): how parameters are bucketed, that a flat program
// trains to the same numbers as a per-tensor one (bit for bit without clipping), that its
// host state is still named per parameter (checkpoints do not see the layout), and that the
// update stays a handful of nodes however many parameters there are.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import type { Tensor } from '../../../../src/main/engine/onnx/graph';
import * as op from '../../../../src/main/engine/onnx/ops';
import { bucketsOf, parameterViews } from '../../../../src/main/engine/optim/flat';
import { buildFusedGraph } from '../../../../src/main/engine/optim/fused';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import type { TrainingProgram, TrainingState } from '../../../../src/main/engine/optim/trainingProgram';
import { compile } from '../../../../src/main/engine/optim/program';
import type { StateLayout } from '../../../../src/main/engine/optim/spec';
import { expectClose, f64, runOnce } from './helpers';
import { data, IN, initialParams, OUT, PARAMS, spec } from './mlp';

const B = 5;

async function run(s: CompileSpec, fn: (p: TrainingProgram) => Promise<void>): Promise<TrainingState> {
  const program = await compile(s);
  try {
    await fn(program);
    return await program.getState();
  } finally {
    await program.release();
  }
}

/** Every named state tensor as a plain array. */
function arrays(state: TrainingState): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries({ ...state.params, ...state.optimizer }))
    out[name] = Array.from(t.data as Float64Array);
  return out;
}

/** `steps` steps (K = 3 per call) of the float64 MLP in the given layout from the same start. */
async function train(stateLayout: StateLayout, overrides: Partial<CompileSpec> = {}): Promise<TrainingState> {
  const { x, y } = data(3, B);
  return run(spec(3, B, { stateLayout, ...overrides }), async (p) => {
    p.setParams(initialParams());
    await p.step({ x, y });
  });
}

describe('bucketsOf', () => {
  it('packs parameters by weight-decay class in spec order, a new bucket where one would pass the size', () => {
    const params = [
      { name: 'big1', shape: [4, 8], dtype: 'float64' as const }, // 32 elements, decayed (a matrix)
      { name: 'norm', shape: [7], dtype: 'float64' as const },
      { name: 'big2', shape: [8, 4], dtype: 'float64' as const },
      { name: 'small', shape: [3, 4], dtype: 'float64' as const },
      { name: 'huge', shape: [9, 9], dtype: 'float64' as const }, // over the size: a bucket of its own
      { name: 'attn.bias', shape: [2, 5], dtype: 'float64' as const },
    ];
    const maxBucketBytes = 64 * 8; // 64 float64 values
    const buckets = bucketsOf({ ...spec(1, B), params, maxBucketBytes });
    const summary = buckets.map((b) => [b.name, b.shape, b.isDecayed, b.members.map((m) => [m.name, m.offset])]);
    expect(summary).toEqual([
      [
        'flat/decay/0',
        [64],
        true,
        [
          ['big1', 0],
          ['big2', 32],
        ],
      ],
      ['flat/decay/1', [12], true, [['small', 0]]],
      ['flat/decay/2', [81], true, [['huge', 0]]],
      [
        'flat/nodecay/0',
        [17],
        false,
        [
          ['norm', 0],
          ['attn.bias', 7],
        ],
      ],
    ]);
    const perTensor = bucketsOf({ ...spec(1, B), params, stateLayout: 'per-tensor' });
    expect(perTensor.map((b) => [b.name, b.shape, b.isFlat])).toEqual(params.map((p) => [p.name, p.shape, false]));
  });

  it('refuses flat Adafactor, an unknown layout, a parameter named like a flat buffer, a bad size', async () => {
    expect(() => bucketsOf({ ...spec(1, B), optimizer: { kind: 'adafactor' }, stateLayout: 'flat' })).toThrow(
      "compile(): Adafactor factors its statistics per matrix; use stateLayout 'stacked' or 'per-tensor'",
    );
    expect(() => bucketsOf({ ...spec(1, B), stateLayout: 'packed' as StateLayout })).toThrow(
      "compile(): unknown stateLayout 'packed'; expected one of: flat, stacked, per-tensor",
    );
    const params = [{ name: 'flat/decay/0', shape: [2, 2], dtype: 'float64' as const }];
    expect(() => bucketsOf({ ...spec(1, B), params })).toThrow(
      "compile(): parameter name 'flat/decay/0' is reserved for a flat state buffer",
    );
    await expect(compile(spec(1, B, { maxBucketBytes: 0 }))).rejects.toThrow(
      'compile(): maxBucketBytes must be a number ≥ 1, got 0',
    );
  });
});

describe('flat AdamW program', () => {
  it('trains bit for bit like the per-tensor layout without clipping', async () => {
    const flat = arrays(await train('flat', { clipNorm: undefined }));
    const perTensor = arrays(await train('per-tensor', { clipNorm: undefined }));
    expect(Object.keys(flat).sort()).toEqual(Object.keys(perTensor).sort());
    for (const name of Object.keys(perTensor)) expect(flat[name], name).toEqual(perTensor[name]);
  });

  it('feeds the views on the CPU one step per call (no Split), bit for bit like the per-tensor layout', async () => {
    const { x, y } = data(3, B);
    const oneByOne = (stateLayout: StateLayout): Promise<TrainingState> =>
      run(spec(1, B, { stateLayout, clipNorm: undefined }), async (p) => {
        expect(p.mode).toBe('single');
        p.setParams(initialParams());
        for (let s = 0; s < 3; s++)
          await p.step({ x: x.subarray(s * B * IN, (s + 1) * B * IN), y: y.subarray(s * B * OUT, (s + 1) * B * OUT) });
      });
    expect(arrays(await oneByOne('flat'))).toEqual(arrays(await oneByOne('per-tensor')));
    const { graph } = buildFusedGraph(spec(1, B), 'single', { views: 'fed' });
    expect(graph.nodes.filter((node) => node.opType === 'Split')).toEqual([]);
    expect(graph.inputs.map((t) => t.name)).toEqual(expect.arrayContaining(PARAMS.map((q) => `view/${q.name}`)));
  });

  it('with clipping, matches the per-tensor layout to the last bits of the norm (1e-12 relative)', async () => {
    const flat = arrays(await train('flat'));
    const perTensor = arrays(await train('per-tensor'));
    for (const name of Object.keys(perTensor)) expectClose(flat[name], perTensor[name], 1e-12, name);
  });

  it('keeps host state named per parameter, so state moves between layouts', async () => {
    const { x, y } = data(4, B);
    const half = (t: Float64Array, i: number): Float64Array => t.subarray((i * t.length) / 2, ((i + 1) * t.length) / 2);
    const first = await run(spec(2, B, { stateLayout: 'per-tensor', clipNorm: undefined }), async (p) => {
      p.setParams(initialParams());
      await p.step({ x: half(x, 0), y: half(y, 0) });
    });
    const shapes = Object.fromEntries(PARAMS.map((p) => [p.name, p.shape]));
    const moved = await run(spec(2, B, { clipNorm: undefined }), async (p) => {
      p.setState(first);
      const state = await p.getState();
      const dims = (r: TrainingState['params']): Record<string, readonly number[]> =>
        Object.fromEntries(Object.entries(r).map(([n, t]) => [n, t.dims]));
      expect(dims(state.params)).toEqual(shapes);
      expect(Object.keys(state.optimizer).sort()).toEqual(
        PARAMS.flatMap((q) => [`opt.m/${q.name}`, `opt.v/${q.name}`]).sort(),
      );
      expect(arrays(state)).toEqual(arrays(first));
      await p.step({ x: half(x, 1), y: half(y, 1) });
    });
    const straight = arrays(
      await run(spec(2, B, { stateLayout: 'per-tensor', clipNorm: undefined }), async (p) => {
        p.setParams(initialParams());
        await p.step({ x: half(x, 0), y: half(y, 0) });
        await p.step({ x: half(x, 1), y: half(y, 1) });
      }),
    );
    expect(moved.step).toBe(4);
    expect(arrays(moved)).toEqual(straight);
  });
});

describe('parameterViews', () => {
  // A Split of k outputs turns one piece into k, so n pieces take at least ⌈(n − 1)/(fan − 1)⌉.
  it.each([
    [10, 3],
    [2, 3],
    [4, 3],
    [9, 3],
    [10, 4],
    [17, 4], // more than fan² pieces: three levels
    [62, 15],
  ])('cuts the same views from %i pieces with as few Splits of at most %i outputs as there can be', async (n, fan) => {
    const sizes = Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 5));
    const members = sizes.map((size, i) => ({ name: `p${i}`, shape: [size], offset: 0, size }));
    members.forEach((m, i) => (m.offset = i === 0 ? 0 : members[i - 1].offset + members[i - 1].size));
    const total = sizes.reduce((a, b) => a + b, 0);
    const bucket = { name: 'flat/decay/0', shape: [total], isFlat: true, isStacked: false, isDecayed: true, members };
    const g = new Graph('views');
    const views = parameterViews([bucket], [g.input('flat', 'float64', [total])], fan);
    for (const m of members) g.output(views.get(m.name) as Tensor, `out/${m.name}`);
    const splits = g.nodes.filter((node) => node.opType === 'Split');
    expect(Math.max(...splits.map((node) => node.outputs.length))).toBeLessThanOrEqual(fan);
    expect(splits.length).toBe(Math.ceil((n - 1) / (fan - 1)));
    const values = Array.from({ length: total }, (_, i) => i + 0.5);
    const out = await runOnce(g, { flat: f64([total], values) });
    for (const m of members)
      expect(Array.from(out[`out/${m.name}`].data as Float64Array)).toEqual(values.slice(m.offset, m.offset + m.size));
  });
});

describe('flat graph size', () => {
  /** n square layers with a bias each: loss = mean((x·W₀ + b₀)·…·W₍ₙ₋₁₎ + b₍ₙ₋₁₎ − y)². */
  function chain(n: number, stateLayout: StateLayout): CompileSpec {
    const params = Array.from({ length: n }, (_, i) => [
      { name: `w${i}`, shape: [4, 4] },
      { name: `b${i}`, shape: [4] },
    ]).flat();
    const build = (_g: Graph, p: Readonly<Record<string, Tensor>>, b: Readonly<Record<string, Tensor>>) => {
      let h = b.x;
      for (let i = 0; i < n; i++) h = op.add(op.matmul(h, p[`w${i}`]), p[`b${i}`]); // (B, 4)
      const err = op.sub(h, b.y);
      return { loss: op.reduceMean(op.mul(err, err), null) };
    };
    const batch = [
      { name: 'x', dtype: 'float32' as const, shape: [2, 4] },
      { name: 'y', dtype: 'float32' as const, shape: [2, 4] },
    ];
    return { ...spec(1, 2), build, params, batch, stateLayout };
  }

  /** Nodes in the optimizer scope, less the Reshape/Concat that flatten gradients into buckets. */
  const updateNodes = (s: CompileSpec): number =>
    buildFusedGraph(s, 'single').graph.nodes.filter(
      (node) => node.name.startsWith('optim/') && node.opType !== 'Reshape' && node.opType !== 'Concat',
    ).length;

  it('clipping and the update are the same handful of nodes for 2 or 20 parameters', () => {
    expect(updateNodes(chain(10, 'flat'))).toBe(updateNodes(chain(1, 'flat')));
    expect(updateNodes(chain(1, 'flat'))).toBeLessThan(80);
    // Per tensor, the update grows with every parameter.
    expect(updateNodes(chain(10, 'per-tensor'))).toBeGreaterThan(5 * updateNodes(chain(1, 'per-tensor')));
  });

  it('cuts the views with one Split per flat bucket', () => {
    const { graph } = buildFusedGraph(chain(10, 'flat'), 'single');
    expect(graph.nodes.filter((node) => node.opType === 'Split').length).toBe(2); // decayed and undecayed
    expect(graph.inputs.length).toBe(2 * 3 + 1 + 2); // 2 buckets × (θ, m, v), step, x, y
  });
});
