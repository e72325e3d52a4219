// opProfile / perStepProfile: kernel time by op type from ORT's profile events, over the runs
// after the skipped ones. Synthetic events with round numbers, so each sum is worked out by
// hand; real sessions' profiles are read in session.test.ts and bench/train.test.ts.
import { describe, expect, it } from 'vitest';
import type { ProfileEvent } from '../../../../src/main/engine/onnx/placement';
import { opProfile, perStepProfile } from '../../../../src/main/engine/onnx/profile';

const CPU = 'CPUExecutionProvider';
const GPU = 'WebGpuExecutionProvider';

/** A run at `ts` lasting `dur` µs, with its kernels [name, op, provider, µs] one after another. */
function run(ts: number, dur: number, kernels: [string, string, string, number][]): ProfileEvent[] {
  let t = ts;
  const nodes = kernels.map(([name, op, provider, us]) => {
    const e = { cat: 'Node', name: `${name}_kernel_time`, ts: (t += 1), dur: us, args: { op_name: op, provider } };
    t += us;
    return e;
  });
  return [{ cat: 'Session', name: 'model_run', ts, dur }, ...nodes];
}

const events: ProfileEvent[] = [
  { cat: 'Session', name: 'session_initialization', ts: 0, dur: 500 },
  ...run(1_000, 90_000, [
    ['a', 'MatMul', GPU, 80_000], // the first run: skipped below
    ['b', 'Add', GPU, 5_000],
  ]),
  ...run(100_000, 10_000, [
    ['a', 'MatMul', GPU, 6_000],
    ['b', 'Add', GPU, 1_000],
    ['c', 'Add', GPU, 1_000],
    ['d', 'Cast', CPU, 500],
  ]),
  ...run(200_000, 12_000, [
    ['a', 'MatMul', GPU, 8_000],
    ['b', 'Add', GPU, 1_000],
    ['c', 'Add', GPU, 2_000],
    ['d', 'Cast', CPU, 500],
  ]),
  // Not a kernel's time (ORT also writes fence and other per-node events): never summed.
  { cat: 'Node', name: 'd_fence_before', ts: 211_000, dur: 99_000, args: { op_name: 'Cast', provider: CPU } },
];

describe('opProfile', () => {
  it('sums each op type per run over the runs after the skipped ones, most time first', () => {
    const profile = opProfile(events, 1);
    expect(profile.runs).toBe(2);
    expect(profile.runMs).toBe(11); // (10 + 12) / 2
    expect(profile.ops).toEqual([
      { op: 'MatMul', provider: GPU, ms: 7, nodes: 1 }, // (6 + 8) / 2
      { op: 'Add', provider: GPU, ms: 2.5, nodes: 2 }, // (1 + 1 + 1 + 2) / 2
      { op: 'Cast', provider: CPU, ms: 0.5, nodes: 1 },
    ]);
  });

  it('counts every run when none is left after the skipped ones, and refuses a profile with no run', () => {
    expect(opProfile(events, 5).runs).toBe(3);
    expect(opProfile(events, 0).ops[0]).toEqual({ op: 'MatMul', provider: GPU, ms: (80 + 6 + 8) / 3, nodes: 1 });
    expect(() => opProfile(events.slice(0, 1), 0)).toThrow(/no model_run event/);
  });

  it('divides by the steps of a run (a Loop of K steps), per step', () => {
    const perStep = perStepProfile(opProfile(events, 1), 2);
    expect(perStep.runs).toBe(4);
    expect(perStep.runMs).toBe(5.5);
    expect(perStep.ops[1]).toEqual({ op: 'Add', provider: GPU, ms: 1.25, nodes: 1 });
    expect(perStepProfile(opProfile(events, 1), 1)).toEqual(opProfile(events, 1));
  });
});
