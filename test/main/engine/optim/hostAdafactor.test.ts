// Adafactor's update on the host (optim/hostAdafactor.ts through compile()): chosen where
// AdamW's is; trains as the graph's own Adafactor update does (float32; the kernel
// sums in another order, so to float32 precision, not bit for bit: the kernel itself is held to
// float64 arithmetic in wasm/adafactorKernel.test.ts) with clipping, accumulation, β₁ and
// decay; its state has the graph program's names and shapes, so either resumes from the other.
import { describe, expect, it } from 'vitest';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import { compile } from '../../../../src/main/engine/optim/program';
import type { StepResult, TrainingState } from '../../../../src/main/engine/optim/trainingProgram';
import { expectClose } from './helpers';
import { batches, params32, spec32, trained } from './mlp32';

const ADAFACTOR = { kind: 'adafactor' as const, beta1: 0.9, weightDecay: 0.1, clipThreshold: 0.8 };

async function updateOf(s: CompileSpec): Promise<string> {
  const program = await compile(s);
  await program.release();
  return program.update;
}

/** Every number of a state, in one order: the step, then each tensor by sorted name. */
function flatState(state: TrainingState): { names: string[]; values: number[] } {
  const all = { ...state.params, ...state.optimizer };
  const names = Object.keys(all).sort();
  return { names, values: [state.step, ...names.flatMap((n) => Array.from(all[n].data as Float32Array))] };
}

const numbers = (r: StepResult[]): number[] => r.flatMap((x) => [...x.losses, ...x.gradNorms, ...x.lr]);

describe('compile(): Adafactor’s update on the host', () => {
  it('is chosen as AdamW’s is: float32, the CPU, one step per run, unless the graph is asked for', async () => {
    const s = { optimizer: ADAFACTOR };
    expect(await updateOf(spec32(s))).toBe('host');
    expect(await updateOf(spec32({ ...s, update: 'graph' }))).toBe('graph');
    expect(await updateOf(spec32({ ...s, mode: 'loop' }))).toBe('graph');
    expect(await updateOf(spec32({ ...s, graphDevice: 'gpu' }))).toBe('graph');
  });

  it('trains as the graph’s update does: losses, norms, rates and state to float32 precision', async () => {
    const m = 2;
    const calls = batches(m);
    const s = { accumulation: m, clipNorm: 0.05, optimizer: ADAFACTOR };
    const host = await trained(spec32({ ...s, update: 'auto' }), calls);
    const graph = await trained(spec32({ ...s, update: 'graph' }), calls);
    expect([host.update, graph.update]).toEqual(['host', 'graph']);
    expect(host.results[0].gradNorms[0]).toBeGreaterThan(0.05); // clipping was on
    expect(host.results[0].losses[0]).toBe(graph.results[0].losses[0]); // before any update
    expectClose(numbers(host.results), numbers(graph.results), 1e-5, 'losses, norms and rates');
    const [h, g] = [flatState(host.state), flatState(graph.state)];
    expect(h.names).toEqual(g.names);
    expect(h.names).toEqual(expect.arrayContaining(['opt.row/w1', 'opt.col/w2', 'opt.sq/b1', 'opt.m/b2']));
    expectClose(h.values, g.values, 1e-5, 'state', 1e-4);
    const start = params32().w1.data as Float32Array;
    const moved = (host.state.params.w1.data as Float32Array).some((x, i) => Math.abs(x - start[i]) > 1e-3);
    expect(moved).toBe(true);
  });

  it('resumes from the graph program’s state, and the graph from its own, as a straight run', async () => {
    const calls = batches(1);
    const straight = await trained(spec32({ optimizer: ADAFACTOR, update: 'graph' }), calls);
    for (const [first, second] of [
      ['graph', 'auto'],
      ['auto', 'graph'],
    ] as const) {
      const a = await compile(spec32({ optimizer: ADAFACTOR, update: first }));
      const b = await compile(spec32({ optimizer: ADAFACTOR, update: second }));
      try {
        a.setParams(params32());
        await a.step(calls[0]);
        b.setState(await a.getState());
        const result = await b.step(calls[1]);
        expectClose([...result.losses], [...straight.results[1].losses], 1e-5, `${first} → ${second} losses`);
        const [resumed, want] = [flatState(await b.getState()), flatState(straight.state)];
        expect(resumed.names).toEqual(want.names);
        expectClose(resumed.values, want.values, 1e-5, `${first} → ${second} state`, 1e-4);
      } finally {
        await a.release();
        await b.release();
      }
    }
  });
});
