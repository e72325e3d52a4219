// `benchOps()`: throughput of the pieces training is made of, measured through the session
// adapter. Matrix-product GFLOP/s at a few shapes in each form asked for (products.ts; on
// WebGPU also by the GPU's own time, from onnxruntime's timestamp queries, which leaves out
// the upload of the operands), and ms per optimizer step of a fused K-step call
// on a 2-layer MLP at K = 1, 4, 16 (DESIGN.md §3: every output is copied by onnxruntime-node,
// so the Loop amortises the state copy over K steps). Not a test: numbers vary by machine.

import { Graph } from '../onnx/graph';
import type { Tensor } from '../onnx/graph';
import * as op from '../onnx/ops';
import { serializeModel } from '../onnx/serialize';
import { Rng } from '../rng';
import type { HostTensor, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import type { OptimizerConfig } from '../optim/optimizer';
import { compile } from '../optim/program';
import { elementCount } from '../shape';
import type { ProductForm } from './products';
import { buildProduct, operandShapes } from './products';

export interface MatMulRow {
  readonly kind: 'matmul';
  readonly provider: ProviderName;
  readonly form: ProductForm;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly msPerCall: number;
  readonly gflops: number;
  /** The GPU's own ms per call and the GFLOP/s it makes, where the provider wrote it (WebGPU). */
  readonly gpuMs?: number;
  readonly gpuGflops?: number;
}

export interface FusedRow {
  readonly kind: 'fused';
  readonly provider: ProviderName;
  readonly mode: 'loop' | 'single';
  readonly k: number;
  readonly msPerStep: number;
  readonly msPerCall: number;
  /** Floats of parameters + optimizer state carried between calls. */
  readonly stateFloats: number;
}

export type BenchRow = MatMulRow | FusedRow;

export interface MlpShape {
  readonly input: number;
  readonly hidden: number;
  readonly output: number;
  readonly batch: number;
}

export interface BenchOptions {
  readonly providers?: readonly ProviderName[];
  readonly matmulShapes?: readonly (readonly [number, number, number])[];
  /** The forms of each product (default only 'matmul'). */
  readonly forms?: readonly ProductForm[];
  readonly ks?: readonly number[];
  readonly mlp?: MlpShape;
  readonly optimizer?: OptimizerConfig;
  /** Keep timing each row until this much time has passed (after a warm-up call). */
  readonly minMs?: number;
  readonly signal?: AbortSignal;
  /** Called as each row is measured (progress). */
  readonly onRow?: (row: BenchRow) => void;
}

export const DEFAULT_MATMUL_SHAPES: readonly (readonly [number, number, number])[] = [
  [256, 256, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
  [512, 512, 2048], // T5-small FFN-like: 512 tokens · d_model 512 → d_ff 2048
];
export const DEFAULT_KS: readonly number[] = [1, 4, 16];
export const DEFAULT_MLP: MlpShape = { input: 256, hidden: 1024, output: 256, batch: 32 };

/** Values drawn past this count repeat (a large product's operands fill in a blink, not seconds). */
const DRAWN_VALUES = 1 << 16;

/**
 * Deterministic float32 values in [-scale, scale) from the engine's seeded generator: the first
 * DRAWN_VALUES drawn, then repeated (what the values are changes no timing).
 */
function filled(n: number, seed: number, scale = 1): Float32Array {
  const rng = Rng.fromWords(seed);
  const values = new Float32Array(n);
  const drawn = Math.min(n, DRAWN_VALUES);
  for (let i = 0; i < drawn; i++) values[i] = (2 * rng.nextFloat() - 1) * scale;
  for (let from = drawn; from < n; from += drawn) values.copyWithin(from, 0, Math.min(drawn, n - from));
  return values;
}

/**
 * Runs `call` once to warm up, then at least 3 times and until `minMs` passed; returns the
 * median ms per call (robust to other processes sharing the CPU).
 */
async function timeCalls(call: () => Promise<void>, minMs: number, signal?: AbortSignal): Promise<number> {
  await call();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || performance.now() - start < minMs) {
    signal?.throwIfAborted();
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  return times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
}

async function benchMatMul(
  shape: readonly [number, number, number],
  form: ProductForm,
  options: BenchOptions,
): Promise<MatMulRow> {
  const [m, k, n] = shape;
  const g = new Graph('bench_matmul');
  buildProduct(g, form, m, k, n);
  const isGpu = options.providers?.includes('webgpu') ?? false;
  const session = await EngineSession.create(serializeModel(g), {
    providers: options.providers,
    // On WebGPU: the product stays on the device, and its GPU time is read from the profile.
    ...(isGpu ? { keepOnDevice: ['c'], recordPlacement: true } : {}),
  });
  try {
    const { a, b } = operandShapes(form, m, k, n);
    const feeds: Record<string, HostTensor> = {
      a: { dtype: 'float32', dims: [...a], data: filled(m * k, 1) },
      b: { dtype: 'float32', dims: [...b], data: filled(k * n, 2) },
    };
    const call = async (): Promise<void> => {
      for (const out of Object.values(await session.run(feeds))) if ('kind' in out) out.dispose();
    };
    const ms = await timeCalls(call, options.minMs ?? 500, options.signal);
    const flop = 2 * m * k * n;
    const gpuMs = isGpu ? session.opProfile(1).gpu?.ms : undefined;
    return {
      kind: 'matmul',
      provider: session.placement.provider,
      form,
      m,
      k,
      n,
      msPerCall: ms,
      gflops: flop / (ms * 1e6),
      ...(gpuMs ? { gpuMs, gpuGflops: flop / (gpuMs * 1e6) } : {}),
    };
  } finally {
    await session.release();
  }
}

/** Mean squared error of a 2-layer ReLU MLP. */
function mlpLoss(
  _g: Graph,
  p: Readonly<Record<string, Tensor>>,
  b: Readonly<Record<string, Tensor>>,
): { loss: Tensor } {
  const h = op.relu(op.add(op.matmul(b.x, p.w1), p.b1)); // (B, hidden)
  const err = op.sub(op.add(op.matmul(h, p.w2), p.b2), b.y); // (B, output)
  return { loss: op.reduceMean(op.mul(err, err), null) };
}

async function benchFused(k: number, options: BenchOptions): Promise<FusedRow> {
  const s = options.mlp ?? DEFAULT_MLP;
  const params = [
    { name: 'w1', shape: [s.input, s.hidden] },
    { name: 'b1', shape: [s.hidden] },
    { name: 'w2', shape: [s.hidden, s.output] },
    { name: 'b2', shape: [s.output] },
  ];
  const program = await compile({
    build: mlpLoss,
    params,
    batch: [
      { name: 'x', dtype: 'float32', shape: [s.batch, s.input] },
      { name: 'y', dtype: 'float32', shape: [s.batch, s.output] },
    ],
    optimizer: options.optimizer ?? { kind: 'adamw' },
    schedule: { kind: 'constant', peakLr: 1e-4 },
    clipNorm: 1,
    k,
    providers: options.providers,
  });
  try {
    const init: Record<string, Float32Array> = {};
    params.forEach((p, i) => (init[p.name] = filled(elementCount(p.shape), 10 + i, 0.05)));
    program.setParams(init);
    const batches = { x: filled(k * s.batch * s.input, 3), y: filled(k * s.batch * s.output, 4) };
    const ms = await timeCalls(async () => void (await program.step(batches)), options.minMs ?? 500, options.signal);
    const state = await program.getState();
    const stateFloats = [...Object.values(state.params), ...Object.values(state.optimizer)].reduce(
      (n, t) => n + t.data.length,
      0,
    );
    return {
      kind: 'fused',
      provider: program.placement.provider,
      mode: program.mode,
      k,
      msPerStep: ms / k,
      msPerCall: ms,
      stateFloats,
    };
  } finally {
    await program.release();
  }
}

/** Measures every product shape in each form, then the fused MLP step at each K. */
export async function benchOps(options: BenchOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const add = (row: BenchRow): void => {
    rows.push(row);
    options.onRow?.(row);
  };
  for (const shape of options.matmulShapes ?? DEFAULT_MATMUL_SHAPES) {
    for (const form of options.forms ?? ['matmul']) {
      options.signal?.throwIfAborted();
      add(await benchMatMul(shape, form, options));
    }
  }
  for (const k of options.ks ?? DEFAULT_KS) {
    options.signal?.throwIfAborted();
    add(await benchFused(k, options));
  }
  return rows;
}
