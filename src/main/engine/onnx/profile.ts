// Where a session's run time goes, by op type, from ORT's profile (the Chrome-trace events
// placement.ts also reads): the kernel time of each op type per run and its node count, over
// the runs after the first `skipRuns`, and the mean model_run time. On a GPU provider a
// kernel's time is what ORT records around its Compute call on the host (enqueueing the
// work, and any wait for it), not the GPU's own time, so it shows dispatch costs and syncs.
// Reference: ORT profiler Chrome-trace format ("model_run", "cat": "Node", "*_kernel_time").

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
}

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
  return { runs: n, runMs, ops };
}

/** `profile` of runs of `stepsPerRun` steps each, per step. */
export function perStepProfile(profile: OpProfile, stepsPerRun: number): OpProfile {
  if (stepsPerRun === 1) return profile;
  return {
    runs: profile.runs * stepsPerRun,
    runMs: profile.runMs / stepsPerRun,
    ops: profile.ops.map((o) => ({ ...o, ms: o.ms / stepsPerRun, nodes: o.nodes / stepsPerRun })),
  };
}
