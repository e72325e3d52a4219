// Where a session's run time goes, by op type, from ORT's profile (the Chrome-trace events
// placement.ts also reads): the kernel time of each op type per run and its node count, over
// the runs after the first `skipRuns`, and the mean model_run time. On a GPU provider a
// kernel's time is what ORT records around its Compute call on the host (enqueueing the
// work, and any wait for it), not the GPU's own time, so it shows dispatch costs and syncs.
// Reference: ORT profiler Chrome-trace format ("model_run", "cat": "Node", "*_kernel_time").
// The WebGPU provider also writes the GPU's own time of each dispatch, from timestamp queries,
// as "cat": "Api" events named "node&opType&program" (ORT's webgpu_context.cc,
// CollectProfilingData): summed into `gpu` where the device answers them.

import type { ProfileEvent } from './placement';

export interface OpTime {
  readonly op: string;
  /** ORT's provider name (CPUExecutionProvider, WebGpuExecutionProvider, …). */
  readonly provider: string;
  /** Kernel milliseconds per run. */
  readonly ms: number;
  /** Nodes of this op run per run. */
  readonly nodes: number;
}

export interface OpProfile {
  /** Runs summed (after the skipped ones); steps, once made per step (perStepProfile). */
  readonly runs: number;
  /** Mean model_run milliseconds of those runs (the whole run as ORT times it), or per step. */
  readonly runMs: number;
  /** Per op type and provider, most time first. */
  readonly ops: readonly OpTime[];
  /** The GPU's own time, where the provider wrote it (WebGPU with timestamp queries). */
  readonly gpu?: GpuProfile;
}

/** GPU milliseconds per run: in all, by op type and shader program, and the costliest kernels. */
export interface GpuProfile {
  readonly ms: number;
  /** Per op type and program, most time first; `dispatches` per run. */
  readonly programs: readonly {
    readonly op: string;
    readonly program: string;
    readonly ms: number;
    readonly dispatches: number;
  }[];
  /** The TOP_KERNELS costliest dispatches of a run by node and program, with the shapes ORT wrote. */
  readonly kernels: readonly {
    readonly node: string;
    readonly program: string;
    readonly shapes: string;
    readonly ms: number;
  }[];
  /**
   * The TOP_GROUPS costliest (program, shapes) pairs with their nodes summed (a layer's kernel
   * repeated over the layers is one group): where the time goes beyond the few largest kernels.
   */
  readonly groups: readonly {
    readonly program: string;
    readonly shapes: string;
    readonly ms: number;
    readonly dispatches: number;
  }[];
}

/** Kernels listed in GpuProfile.kernels, and the length their shapes are cut to (a Concat's run long). */
const TOP_KERNELS = 15;
const TOP_GROUPS = 40;
const SHAPES_CHARS = 240;

/** Sums the kernel times of the runs after the first `skipRuns` (all runs when there are no more). */
export function opProfile(events: readonly ProfileEvent[], skipRuns: number): OpProfile {
  const runs = events.filter((e) => e.name === 'model_run').sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
  if (runs.length === 0) throw new Error('opProfile(): the profile has no model_run event; run the session first');
  const counted = runs.length > skipRuns ? runs.slice(skipRuns) : runs;
  const from = counted[0].ts ?? 0;
  const totals = new Map<string, { op: string; provider: string; us: number; nodes: number }>();
  for (const e of events) {
    const op = e.args?.op_name;
    if (e.cat !== 'Node' || !op || !e.name?.endsWith('_kernel_time') || (e.ts ?? 0) < from) continue;
    const provider = e.args?.provider ?? '';
    const key = `${op}@${provider}`;
    const entry = totals.get(key) ?? { op, provider, us: 0, nodes: 0 };
    entry.us += e.dur ?? 0;
    entry.nodes += 1;
    totals.set(key, entry);
  }
  const n = counted.length;
  const ops = [...totals.values()]
    .map(({ op, provider, us, nodes }) => ({ op, provider, ms: us / 1000 / n, nodes: nodes / n }))
    .sort((a, b) => b.ms - a.ms);
  const runMs = counted.reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000 / n;
  const gpu = gpuProfile(events, from, n, runs.length);
  return { runs: n, runMs, ops, ...(gpu ? { gpu } : {}) };
}

/**
 * The "Api" dispatch events after `from`, per run. ORT releases that shift the GPU's clock onto
 * the profile's put them after their run's start; where none is (a clock that starts at 0),
 * every dispatch is summed over all `allRuns`.
 */
function gpuProfile(events: readonly ProfileEvent[], from: number, runs: number, allRuns: number): GpuProfile | null {
  const dispatches = events.filter((e) => e.cat === 'Api' && e.name?.includes('&'));
  if (dispatches.length === 0) return null;
  const after = dispatches.filter((e) => (e.ts ?? 0) >= from);
  const [counted, n] = after.length > 0 ? [after, runs] : [dispatches, allRuns];
  const programs = new Map<string, { op: string; program: string; us: number; count: number }>();
  const kernels = new Map<string, { node: string; program: string; shapes: string; us: number }>();
  const groups = new Map<string, { program: string; shapes: string; us: number; count: number }>();
  for (const e of counted) {
    const [node, op, program] = (e.name ?? '').split('&');
    const p = programs.get(`${op}&${program}`) ?? { op, program, us: 0, count: 0 };
    p.us += e.dur ?? 0;
    p.count += 1;
    programs.set(`${op}&${program}`, p);
    const written = (e.args?.shapes ?? '').trim();
    const shapes = written.length > SHAPES_CHARS ? `${written.slice(0, SHAPES_CHARS)}…` : written;
    const k = kernels.get(`${node}&${program}&${shapes}`) ?? { node, program, shapes, us: 0 };
    k.us += e.dur ?? 0;
    kernels.set(`${node}&${program}&${shapes}`, k);
    const g = groups.get(`${program}&${shapes}`) ?? { program, shapes, us: 0, count: 0 };
    g.us += e.dur ?? 0;
    g.count += 1;
    groups.set(`${program}&${shapes}`, g);
  }
  const perRun = (us: number) => us / 1000 / n;
  return {
    ms: perRun(counted.reduce((sum, e) => sum + (e.dur ?? 0), 0)),
    programs: [...programs.values()]
      .map(({ op, program, us, count }) => ({ op, program, ms: perRun(us), dispatches: count / n }))
      .sort((a, b) => b.ms - a.ms),
    kernels: [...kernels.values()]
      .map(({ node, program, shapes, us }) => ({ node, program, shapes, ms: perRun(us) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, TOP_KERNELS),
    groups: [...groups.values()]
      .map(({ program, shapes, us, count }) => ({ program, shapes, ms: perRun(us), dispatches: count / n }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, TOP_GROUPS),
  };
}

/** `profile` of runs of `stepsPerRun` steps each, per step. */
export function perStepProfile(profile: OpProfile, stepsPerRun: number): OpProfile {
  if (stepsPerRun === 1) return profile;
  const perStep = <T extends { ms: number; dispatches: number }>(x: T): T => ({
    ...x,
    ms: x.ms / stepsPerRun,
    dispatches: x.dispatches / stepsPerRun,
  });
  return {
    runs: profile.runs * stepsPerRun,
    runMs: profile.runMs / stepsPerRun,
    ops: profile.ops.map((o) => ({ ...o, ms: o.ms / stepsPerRun, nodes: o.nodes / stepsPerRun })),
    ...(profile.gpu
      ? {
          gpu: {
            ms: profile.gpu.ms / stepsPerRun,
            programs: profile.gpu.programs.map(perStep),
            kernels: profile.gpu.kernels.map((k) => ({ ...k, ms: k.ms / stepsPerRun })),
            groups: profile.gpu.groups.map(perStep),
          },
        }
      : {}),
  };
}
