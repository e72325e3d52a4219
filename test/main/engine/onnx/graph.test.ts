// Builder and serialization: a graph built here runs in onnxruntime with the values numpy
// semantics predict, and bad use fails at build time naming the node and both shapes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as op from '../../../../src/main/engine/onnx/ops';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-prof-');

const f64 = (dims: number[], values: number[]) => ({
  dtype: 'float64' as const,
  dims,
  data: Float64Array.from(values),
});

describe('graph builder', () => {
  it('runs matmul, broadcasting add, relu, reduce and a Loop with scan outputs', async () => {
    const g = new Graph('t');
    const x = g.input('x', 'float64', [2, 3]);
    const w = g.input('w', 'float64', [3, 2]);
    const y = op.relu(op.add(op.matmul(x, w), g.input('b', 'float64', [2])));
    g.output(y, 'y');
    const total = op.reduceSum(y, null);
    const looped = op.loop(g, 3, [total], (_body, it, [c]) => ({
      carried: [op.mul(c, 2)],
      scans: [op.cast(it, 'float64')],
    }));
    g.output(looped.carried[0], 'doubled');
    g.output(looped.scans[0], 'iters');
    const session = await EngineSession.create(serializeModel(g));
    const r = await session.runHost({
      x: f64([2, 3], [1, 2, 3, -4, -5, -6]),
      w: f64([3, 2], [1, 0, 0, 1, 1, 1]),
      b: f64([2], [0.5, -100]),
    });
    // x·w = [[4, 5], [-10, -11]]; + b = [[4.5, -95], [-9.5, -111]]; relu keeps 4.5 only.
    expect(Array.from(r.y.data as Float64Array)).toEqual([4.5, 0, 0, 0]);
    expect(Array.from(r.doubled.data as Float64Array)).toEqual([36]);
    expect(Array.from(r.iters.data as Float64Array)).toEqual([0, 1, 2]);
    await session.release();
  });

  it('reshapes with 0 and -1, transposes, slices, gathers', async () => {
    const g = new Graph('t');
    const x = g.input('x', 'float32', [2, 6]);
    const r = op.reshape(x, [0, -1, 2]);
    expect(r.shape).toEqual([2, 3, 2]);
    const t = op.transpose(r, [2, 0, 1]);
    expect(t.shape).toEqual([2, 2, 3]);
    const s = op.slice(t, [1], [3], [2]);
    expect(s.shape).toEqual([2, 2, 2]);
    const idx = g.input('idx', 'int64', [3]);
    const gathered = op.gather(x, idx, 1);
    expect(gathered.shape).toEqual([2, 3]);
    g.output(s, 's');
    g.output(gathered, 'g');
    const session = await EngineSession.create(serializeModel(g));
    const out = await session.runHost({
      x: { dtype: 'float32', dims: [2, 6], data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) },
      idx: { dtype: 'int64', dims: [3], data: BigInt64Array.from([5n, 0n, 5n]) },
    });
    // r[b, i, j] = x[b, 2i + j]; t[j, b, i]; s = t[:, :, 1:3]
    expect(Array.from(out.s.data as Float32Array)).toEqual([2, 4, 8, 10, 3, 5, 9, 11]);
    expect(Array.from(out.g.data as Float32Array)).toEqual([5, 0, 5, 11, 6, 11]);
  });

  it('names an output where it is made; an Identity only for an input or a second name', async () => {
    const g = new Graph('t');
    const x = g.input('x', 'float32', [2]);
    const doubled = op.mul(x, 2);
    const read = op.add(doubled, 1); // made before the rename: must read the renamed tensor
    expect(g.output(doubled, 'doubled')).toBe(doubled);
    expect(doubled.name).toBe('doubled');
    g.output(read, 'plus_one');
    g.output(doubled, 'doubled_again'); // a second name for the same tensor
    g.output(x, 'echo'); // a graph input
    expect(g.nodes.map((n) => n.opType)).toEqual(['Mul', 'Add', 'Identity', 'Identity']);
    const other = new Graph('u');
    const taken = other.input('taken', 'float32', [1]);
    expect(() => other.output(op.neg(taken), 'taken')).toThrow(/duplicate tensor name 'taken'/);
    expect(other.outputs).toEqual([]);
    const session = await EngineSession.create(serializeModel(g));
    const r = await session.runHost({ x: { dtype: 'float32', dims: [2], data: Float32Array.from([1, -3]) } });
    expect(Array.from(r.doubled.data as Float32Array)).toEqual([2, -6]);
    expect(Array.from(r.plus_one.data as Float32Array)).toEqual([3, -5]);
    expect(Array.from(r.doubled_again.data as Float32Array)).toEqual([2, -6]);
    expect(Array.from(r.echo.data as Float32Array)).toEqual([1, -3]);
    await session.release();
  });

  it('runs a contrib op (SkipSimplifiedLayerNormalization): the residual sum and its RMS norm', async () => {
    const [rows, d, eps] = [3, 8, 1e-6];
    const g = new Graph('t');
    const x = g.input('x', 'float32', [rows, 1, d]);
    const skip = g.input('skip', 'float32', [rows, 1, d]);
    const w = g.input('w', 'float32', [d]);
    const { sum, normed } = op.skipRmsNormalization(x, skip, w, eps);
    g.output(sum, 'sum');
    g.output(normed, 'normed');
    const other = new Graph('u');
    const short = other.input('short', 'float32', [rows, 1, d - 1]);
    const [otherX, otherW] = [other.input('x', 'float32', [rows, 1, d]), other.input('w', 'float32', [d])];
    expect(() => op.skipRmsNormalization(otherX, short, otherW, eps)).toThrow(
      /SkipSimplifiedLayerNormalization: skip short \[3, 1, 7\] must match x \[3, 1, 8\]/,
    );
    const xs = Float32Array.from({ length: rows * d }, (_, i) => Math.sin(i * 1.3) * 3);
    const skips = Float32Array.from({ length: rows * d }, (_, i) => Math.cos(i * 0.7) - 0.25);
    const ws = Float32Array.from({ length: d }, (_, i) => 0.5 + i / 8);
    const session = await EngineSession.create(serializeModel(g));
    const r = await session.runHost({
      x: { dtype: 'float32', dims: [rows, 1, d], data: xs },
      skip: { dtype: 'float32', dims: [rows, 1, d], data: skips },
      w: { dtype: 'float32', dims: [d], data: ws },
    });
    for (let row = 0; row < rows; row++) {
      const s = Array.from({ length: d }, (_, i) => Math.fround(xs[row * d + i] + skips[row * d + i]));
      const scale = 1 / Math.sqrt(s.reduce((a, v) => a + v * v, 0) / d + eps);
      s.forEach((v, i) => {
        expect((r.sum.data as Float32Array)[row * d + i]).toBe(v);
        expect((r.normed.data as Float32Array)[row * d + i]).toBeCloseTo(v * scale * ws[i], 5);
      });
    }
    await session.release();
  });

  it('names the node and both shapes on a shape mismatch', () => {
    const g = new Graph('t');
    const a = g.input('a', 'float32', [2, 3]);
    const b = g.input('b', 'float32', [4, 5]);
    expect(() => op.matmul(a, b)).toThrow(/MatMul: shape mismatch.*a \[2, 3\].*b \[4, 5\]/);
    expect(() => op.add(a, g.input('c', 'float32', [4]))).toThrow(/Add: shape mismatch.*a \[2, 3\] vs c \[4\]/);
    expect(() => op.reshape(a, [4, -1, 5])).toThrow(/cannot reshape \[2, 3\]/);
  });

  it('places nodes right after an anchor, and refuses a block that reads a later tensor', () => {
    const g = new Graph('t');
    const x = g.input('x', 'float32', [3]);
    const a = op.tanh(x);
    const b = op.exp(a);
    op.neg(b);
    const rebuilt = g.placedAfter(a, () => op.sqrt(op.abs(a)));
    expect(g.nodes.map((n) => n.opType)).toEqual(['Tanh', 'Abs', 'Sqrt', 'Exp', 'Neg']);
    expect(rebuilt.producer?.node.opType).toBe('Sqrt');
    g.placedAfter(x, () => op.sigmoid(x)); // an input: to the front
    expect(g.nodes[0].opType).toBe('Sigmoid');
    expect(() => g.placedAfter(a, () => op.add(a, b))).toThrow(
      /placedAfter\(Tanh_0\): Add_0 reads Exp_0, made after it/,
    );
  });

  it('rejects duplicate parameter names and tensors from unrelated graphs', () => {
    const g = new Graph('t');
    g.input('w', 'float32', [1]);
    expect(() => g.input('w', 'float32', [1])).toThrow(/duplicate tensor name 'w'/);
    const other = new Graph('other');
    expect(() => op.add(g.inputs[0], other.input('v', 'float32', [1]))).toThrow(/unrelated graphs/);
  });
});

describe('session adapter', () => {
  it('names the valid providers for an unknown one', async () => {
    const g = new Graph('t');
    g.output(op.neg(g.input('x', 'float32', [1])));
    await expect(EngineSession.create(serializeModel(g), { providers: ['tpu' as never] })).rejects.toThrow(
      "Unknown execution provider 'tpu'; expected one of: cpu, cuda, webgpu, dml",
    );
  });

  it('falls back to the CPU with a message when a provider cannot load', async () => {
    const g = new Graph('t');
    g.output(op.neg(g.input('x', 'float32', [1])), 'y');
    const session = await EngineSession.create(serializeModel(g), { providers: ['dml', 'cpu'] });
    expect(session.placement.provider).toBe('cpu');
    expect(session.placement.message).toMatch(/dml did not load.*Windows only/);
    const out = await session.runHost({ x: { dtype: 'float32', dims: [1], data: Float32Array.of(2) } });
    expect(out.y.data[0]).toBe(-2);
  });

  it('writes a per-node profile when asked, naming our nodes', async () => {
    const g = new Graph('t');
    g.output(op.neg(g.input('x', 'float32', [4])), 'y');
    const dir = tempDir();
    const session = await EngineSession.create(serializeModel(g), { profileFilePrefix: join(dir, 'p') });
    await session.runHost({ x: { dtype: 'float32', dims: [4], data: new Float32Array(4) } });
    session.endProfiling();
    await session.release();
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(existsSync(join(dir, files[0]))).toBe(true);
    expect(readFileSync(join(dir, files[0]), 'utf8')).toContain('Neg_0');
  });
});
