// opProfile / perStepProfile: kernel time by op type from ORT's profile events, over the runs
// after the skipped ones, and the GPU's own time where WebGPU wrote it. Synthetic events with
// round numbers, so each sum is worked out by hand; real sessions' profiles are read in
// session.test.ts and bench/train.test.ts.
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

/** WebGPU's dispatch event: the GPU's time of one program of one node. */
function dispatch(ts: number, node: string, op: string, program: string, us: number, shapes: string): ProfileEvent {
  return { cat: 'Api', name: `${node}&${op}&${program}`, ts, dur: us, args: { shapes } };
}

describe("opProfile of the GPU's own time", () => {
  // Two dispatches for node a (a MatMul split in two programs), one for b, in each run above.
  // `clock`: the runs' start times on the GPU's clock (the profile's own, or one from 0).
  const gpuEvents = (clock: number[]) => [
    ...events,
    ...clock.flatMap((ts, i) => [
      dispatch(ts + 1, 'a', 'MatMul', 'MatMulPacked', 4_000 + 1_000 * i, 'inputs[0] = {8,8} '),
      dispatch(ts + 2, 'a', 'MatMul', 'SplitK', 1_000, 'inputs[0] = {8,8} '),
      dispatch(ts + 3, 'b', 'Add', 'Add', 500, 'inputs[0] = {8} '),
    ]),
  ];

  it('sums the dispatches after the skipped runs by op type and program, and lists the costliest kernels', () => {
    const gpu = opProfile(gpuEvents([1_000, 100_000, 200_000]), 1).gpu;
    expect(gpu).toEqual({
      ms: 7, // ((5 + 1 + 0.5) + (6 + 1 + 0.5)) / 2 runs
      programs: [
        { op: 'MatMul', program: 'MatMulPacked', ms: 5.5, dispatches: 1 },
        { op: 'MatMul', program: 'SplitK', ms: 1, dispatches: 1 },
        { op: 'Add', program: 'Add', ms: 0.5, dispatches: 1 },
      ],
      kernels: [
        { node: 'a', program: 'MatMulPacked', shapes: 'inputs[0] = {8,8}', ms: 5.5 },
        { node: 'a', program: 'SplitK', shapes: 'inputs[0] = {8,8}', ms: 1 },
        { node: 'b', program: 'Add', shapes: 'inputs[0] = {8}', ms: 0.5 },
      ],
      groups: [
        { program: 'MatMulPacked', shapes: 'inputs[0] = {8,8}', ms: 5.5, dispatches: 1 },
        { program: 'SplitK', shapes: 'inputs[0] = {8,8}', ms: 1, dispatches: 1 },
        { program: 'Add', shapes: 'inputs[0] = {8}', ms: 0.5, dispatches: 1 },
      ],
    });
    expect(opProfile(events, 1).gpu).toBeUndefined(); // a provider that wrote none
  });

  it("sums every run when the GPU clock starts at 0 rather than on the profile's", () => {
    const gpu = opProfile(gpuEvents([0, 10, 20]), 1).gpu; // every dispatch before the first counted run
    expect(gpu?.ms).toBeCloseTo(6.5, 9); // (5.5 + 6.5 + 7.5) / 3
    expect(gpu?.programs[0]).toEqual({ op: 'MatMul', program: 'MatMulPacked', ms: 5, dispatches: 1 }); // (4 + 5 + 6) / 3
  });

  it('sums the nodes of one program and shapes into one group (a layer repeated), apart from other shapes', () => {
    const layers = [
      ...events,
      dispatch(100_001, 'layer0/Add', 'Add', 'Add', 300, 'inputs[0] = {8} '),
      dispatch(100_002, 'layer1/Add', 'Add', 'Add', 500, 'inputs[0] = {8} '),
      dispatch(100_003, 'layer1/Add2', 'Add', 'Add', 100, 'inputs[0] = {4} '),
      dispatch(100_004, 'layer1/Mul', 'Mul', 'Mul', 1_000, 'inputs[0] = {4} '),
    ];
    expect(opProfile(layers, 1).gpu?.groups).toEqual([
      { program: 'Mul', shapes: 'inputs[0] = {4}', ms: 0.5, dispatches: 0.5 }, // 1 ms over the 2 counted runs
      { program: 'Add', shapes: 'inputs[0] = {8}', ms: 0.4, dispatches: 1 },
      { program: 'Add', shapes: 'inputs[0] = {4}', ms: 0.05, dispatches: 0.5 },
    ]);
  });

  it('divides the GPU time by the steps of a run too', () => {
    const gpu = perStepProfile(opProfile(gpuEvents([1_000, 100_000, 200_000]), 1), 2).gpu;
    expect(gpu?.ms).toBe(3.5);
    expect(gpu?.programs[0]).toEqual({ op: 'MatMul', program: 'MatMulPacked', ms: 2.75, dispatches: 0.5 });
    expect(gpu?.kernels[2]).toEqual({ node: 'b', program: 'Add', shapes: 'inputs[0] = {8}', ms: 0.25 });
    expect(gpu?.groups[2]).toEqual({ program: 'Add', shapes: 'inputs[0] = {8}', ms: 0.25, dispatches: 0.5 });
  });
});
