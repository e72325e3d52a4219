// A program's host memory: the state outputs of a step are freed at once when the next step
// (or setState, or release) replaces them, while what getState() handed out and what the
// caller passed in stay intact, release() waits for a run in flight before it frees anything,
// and training gives the same numbers as before.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { canFreeNow } from '../../../../src/main/engine/onnx/hostMemory';
import { OUT_GRAD_NORMS, OUT_LOSSES, OUT_LRS } from '../../../../src/main/engine/optim/fused';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import { compile } from '../../../../src/main/engine/optim/program';
import { data, initialParams, spec } from './mlp';

const B = 3;
const RESULTS = new Set([OUT_LOSSES, OUT_GRAD_NORMS, OUT_LRS]);

/** Every run's outputs, as the program got them. */
function recordRuns(): Record<string, HostTensor>[] {
  const runs: Record<string, HostTensor>[] = [];
  const run = EngineSession.prototype.run;
  vi.spyOn(EngineSession.prototype, 'run').mockImplementation(async function (this: EngineSession, ...args) {
    const out = await run.apply(this, args);
    runs.push(out as Record<string, HostTensor>);
    return out;
  });
  return runs;
}

const stateOf = (out: Record<string, HostTensor>): HostTensor[] =>
  Object.entries(out)
    .filter(([name]) => !RESULTS.has(name))
    .map(([, t]) => t);
const isFreed = (t: HostTensor): boolean => t.data.buffer.byteLength === 0;
const copy = (ts: Record<string, HostTensor>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, Array.from(t.data as Float64Array)]));

async function trainSteps(s: CompileSpec, steps: number, params = initialParams()) {
  const { x, y } = data(steps, B);
  const program = await compile(s);
  program.setParams(params);
  const per = x.length / steps;
  const perY = y.length / steps;
  for (let i = 0; i < steps; i++)
    await program.step({ x: x.subarray(i * per, (i + 1) * per), y: y.subarray(i * perY, (i + 1) * perY) });
  return program;
}

describe('FusedProgram host memory', () => {
  afterEach(() => vi.restoreAllMocks());

  it('can free buffers here (else the tests below would prove nothing)', () => {
    expect(canFreeNow()).toBe(true);
  });

  for (const layout of ['flat', 'per-tensor'] as const) {
    it(`frees each step's state when the next step replaces it, keeps the newest (${layout})`, async () => {
      const runs = recordRuns();
      const program = await trainSteps(spec(1, B, { stateLayout: layout, mode: 'single' }), 3);
      expect(runs).toHaveLength(3);
      for (const out of runs.slice(0, 2)) expect(stateOf(out).every(isFreed)).toBe(true);
      expect(stateOf(runs[2]).some(isFreed)).toBe(false);
      for (const out of runs) for (const name of RESULTS) expect(isFreed(out[name])).toBe(false);
      await program.release();
      expect(stateOf(runs[2]).every(isFreed)).toBe(true);
    });
  }

  it('never frees what getState() handed out or what setParams() was given', async () => {
    const params = initialParams();
    const given = copy(params);
    const s = spec(1, B, { stateLayout: 'per-tensor', mode: 'single' });
    const program = await trainSteps(s, 1, params);
    const handedOut = await program.getState();
    const before = copy({ ...handedOut.params, ...handedOut.optimizer });
    const { x, y } = data(2, B);
    await program.step({ x: x.subarray(0, x.length / 2), y: y.subarray(0, y.length / 2) });
    await program.step({ x: x.subarray(x.length / 2), y: y.subarray(y.length / 2) });
    program.setState(await program.getState());
    await program.release();
    expect(copy({ ...handedOut.params, ...handedOut.optimizer })).toEqual(before);
    expect(copy(params)).toEqual(given);
  });

  it('release() during a step waits for the run before it frees what the run reads', async () => {
    const program = await trainSteps(spec(1, B, { mode: 'single' }), 1);
    let fed: HostTensor[] = [];
    let resume = (): void => undefined;
    const gate = new Promise<void>((resolve) => (resume = resolve));
    const run = EngineSession.prototype.run;
    vi.spyOn(EngineSession.prototype, 'run').mockImplementation(async function (this: EngineSession, ...args) {
      fed = Object.values(args[0]).filter((f): f is HostTensor => !('kind' in f));
      await gate; // a run still in flight
      return run.apply(this, args);
    });
    const { x, y } = data(1, B);
    const stepping = program.step({ x, y });
    const releasing = program.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fed.length).toBeGreaterThan(0);
    expect(fed.some(isFreed)).toBe(false);
    resume();
    await expect(stepping).resolves.toBeDefined();
    await releasing;
    expect(fed.every(isFreed)).toBe(false); // the batch was the caller's
  });

  it('trains to the same state as a program that frees nothing', async () => {
    const s = spec(1, B, { mode: 'single' });
    const freeing = await trainSteps(s, 4);
    const freed = await freeing.getState();
    const transfer = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'transfer') as PropertyDescriptor;
    delete (ArrayBuffer.prototype as { transfer?: unknown }).transfer;
    try {
      const keeping = await trainSteps(s, 4);
      const kept = await keeping.getState();
      expect(copy(freed.params)).toEqual(copy(kept.params));
      expect(copy(freed.optimizer)).toEqual(copy(kept.optimizer));
      await keeping.release();
    } finally {
      Object.defineProperty(ArrayBuffer.prototype, 'transfer', transfer);
    }
    await freeing.release();
  });
});
