// compile()'s host update (optim/hostProgram.ts): where it is chosen, that with AdamW it trains
// to the same numbers as the graph's own update bit for bit (float32; the per-tensor layout, whose
// gradient norm sums in the same order), that its state round-trips and comes back as
// copies from getState() and as views from withState(), and that bad use fails with the same
// messages as the graph program's.
import { describe, expect, it } from 'vitest';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import type { StepResult, TrainingProgram, TrainingState } from '../../../../src/main/engine/optim/trainingProgram';
import { compile } from '../../../../src/main/engine/optim/program';
import { spec } from './mlp';
import { B, batches, K, params32, spec32, trained } from './mlp32';

async function updateOf(s: CompileSpec): Promise<string> {
  const program = await compile(s);
  await program.release();
  return program.update;
}

describe('compile(): the host update', () => {
  it('is chosen for float32 parameters when the CPU runs one step per call, and only then', async () => {
    expect(await updateOf(spec32())).toBe('host');
    expect(await updateOf(spec32({ update: 'graph' }))).toBe('graph');
    expect(await updateOf(spec(K, B))).toBe('graph'); // float64
    expect(await updateOf(spec32({ mode: 'loop' }))).toBe('graph');
    expect(await updateOf(spec32({ graphDevice: 'gpu' }))).toBe('graph');
    expect(await updateOf(spec32({ optimizer: { kind: 'adafactor' } }))).toBe('host'); // hostAdafactor.test.ts
  });

  it('trains to the graph update’s losses, norms, rates and state bit for bit (clipping, accumulation, decay)', async () => {
    const m = 2;
    const calls = batches(m);
    const s = { accumulation: m, clipNorm: 0.05, stateLayout: 'per-tensor' as const };
    const host = await trained(spec32(s), calls);
    const graph = await trained(spec32({ ...s, update: 'graph' }), calls);
    expect([host.update, graph.update]).toEqual(['host', 'graph']);
    const numbers = (r: StepResult[]): number[][] => r.flatMap((x) => [[...x.losses], [...x.gradNorms], [...x.lr]]);
    expect(numbers(host.results)).toEqual(numbers(graph.results));
    expect(host.results[0].gradNorms[0]).toBeGreaterThan(0.05); // clipping was on
    expect(host.state.step).toBe(2 * K);
    expect(host.state).toEqual(graph.state);
    const moved = (host.state.params.w1.data as Float32Array)[0] !== (params32().w1.data as Float32Array)[0];
    expect(moved).toBe(true);
  });

  it('resumes from getState() as a straight run, and getState() returns copies later steps leave alone', async () => {
    const calls = batches(1);
    const straight = await trained(spec32(), calls);
    const first = await compile(spec32());
    let saved: TrainingState;
    try {
      first.setParams(params32());
      await first.step(calls[0]);
      saved = await first.getState();
      const w1 = Float32Array.from(saved.params.w1.data as Float32Array);
      await first.step(calls[1]);
      expect(saved.params.w1.data).toEqual(w1);
    } finally {
      await first.release();
    }
    const second = await compile(spec32());
    try {
      second.setState(saved);
      const result = await second.step(calls[1]);
      expect([...result.losses]).toEqual([...straight.results[1].losses]);
      expect(await second.getState()).toEqual(straight.state);
    } finally {
      await second.release();
    }
  });

  it('lends its state to withState() without a copy, and refuses to change it until the reader is done', async () => {
    const program = await compile(spec32());
    try {
      program.setParams(params32());
      await program.step(batches(1)[0]);
      const copied = await program.getState();
      let release = (): void => undefined;
      const reading = program.withState(async (lent) => {
        expect(lent).toEqual(copied);
        await new Promise<void>((resolve) => (release = resolve));
        return lent.params.w1.data;
      });
      await Promise.resolve();
      await expect(program.step(batches(1)[1])).rejects.toThrow(
        'step(): the state is lent to withState(); wait for it to finish',
      );
      expect(() => program.setParams(params32())).toThrow('setParams(): the state is lent to withState()');
      expect(() => program.setState(copied)).toThrow('setState(): the state is lent to withState()');
      release();
      const lentW1 = await reading;
      const stepping = program.step(batches(1)[0]);
      await expect(program.withState(() => 0)).rejects.toThrow('withState(): a step is running');
      await stepping;
      await program.step(batches(1)[1]); // allowed again
      // The lent arrays were views of the program's memory: the step changed them, not the copy.
      expect(lentW1).toEqual((await program.getState()).params.w1.data);
      expect(lentW1).not.toEqual(copied.params.w1.data);
    } finally {
      await program.release();
    }
  });

  it('fails on bad use with the messages the graph program gives', async () => {
    const program: TrainingProgram = await compile(spec32());
    const graph: TrainingProgram = await compile(spec32({ update: 'graph' }));
    try {
      const bad = { ...params32(), w9: params32().w1 };
      for (const p of [program, graph]) {
        await expect(p.step(batches(1)[0])).rejects.toThrow(/no training state yet; call setParams\(\)/);
        expect(() => p.setParams(bad)).toThrow(/setParams\(\): unknown parameter 'w9'; expected: w1, b1, w2, b2/);
        expect(() => p.setParams({ ...params32(), b2: params32().b1 })).toThrow(
          /setParams\(\): 'b2' has shape \[8\], expected \[3\]/,
        );
        p.setParams(params32());
        const state = await p.getState();
        expect(() => p.setState({ ...state, step: -1 })).toThrow(/setState\(\): step must be an integer/);
        expect(() => p.setState({ ...state, optimizer: {} })).toThrow(/setState\(\): missing 'opt.m\/w1'/);
      }
    } finally {
      await program.release();
      await graph.release();
    }
    await expect(program.step(batches(1)[0])).rejects.toThrow(/this program was released/);
    expect(() => program.setParams(params32())).toThrow(/this program was released/);
  });
});
