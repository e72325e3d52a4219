// Which execution provider ran each node of a session, read from ORT's per-node profile (the
// only per-node placement onnxruntime-node 1.30 exposes: its session log goes to the native
// stderr, out of reach from JS). Nodes counted once each, by op type; Memcpy nodes that ORT
// inserts between providers are counted apart. Reference: ORT profiler Chrome-trace format
// ("cat": "Node", args.provider, args.op_name).

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface NodePlacement {
  /** ORT provider name → op type → number of nodes placed there. */
  readonly byProvider: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Op type → number of nodes that ran off `expected` (Memcpy nodes excluded). */
  readonly fallbacks: Readonly<Record<string, number>>;
  /** The names of those nodes (for a message that says where to look). */
  readonly fallbackNodes: readonly string[];
  /** MemcpyToHost/MemcpyFromHost nodes: each is a copy between the device and the host. */
  readonly copies: number;
  /** True when every node (Memcpy aside) ran on `expected`. */
  readonly isFullyPlaced: boolean;
}

/** ORT's internal provider names for ours. */
const ORT_PROVIDER_NAMES: Readonly<Record<string, string>> = {
  cpu: 'CPUExecutionProvider',
  cuda: 'CUDAExecutionProvider',
  webgpu: 'WebGpuExecutionProvider',
  dml: 'DmlExecutionProvider',
};

/** One event of ORT's profile (the fields Spanfill reads); `ts` and `dur` in microseconds. */
export interface ProfileEvent {
  readonly cat?: string;
  readonly name?: string;
  readonly ts?: number;
  readonly dur?: number;
  readonly args?: { readonly provider?: string; readonly op_name?: string; readonly shapes?: string };
}

/** Counts nodes per provider from parsed profile events; `expected` is ours ('webgpu'). */
export function placementFromProfile(events: readonly ProfileEvent[], expected: string): NodePlacement {
  const ortName = ORT_PROVIDER_NAMES[expected] ?? expected;
  const seen = new Set<string>();
  const byProvider: Record<string, Record<string, number>> = {};
  const fallbacks: Record<string, number> = {};
  const fallbackNodes: string[] = [];
  let copies = 0;
  for (const e of events) {
    const provider = e.args?.provider;
    const opType = e.args?.op_name;
    if (e.cat !== 'Node' || !provider || !opType || !e.name || seen.has(e.name)) continue;
    seen.add(e.name); // a node inside a Loop runs once per iteration: count it once
    const ops = (byProvider[provider] ??= {});
    ops[opType] = (ops[opType] ?? 0) + 1;
    if (opType.startsWith('Memcpy')) copies++;
    else if (provider !== ortName) {
      fallbacks[opType] = (fallbacks[opType] ?? 0) + 1;
      fallbackNodes.push(e.name.replace(/_kernel_time$/, ''));
    }
  }
  return { byProvider, fallbacks, fallbackNodes, copies, isFullyPlaced: Object.keys(fallbacks).length === 0 };
}

/** Reads, parses and deletes the profile files ORT wrote for `prefix`. */
export function readProfile(prefix: string): ProfileEvent[] {
  const dir = dirname(prefix);
  const stem = basename(prefix);
  const events: ProfileEvent[] = [];
  for (const name of readdirSync(dir).filter((n) => n.startsWith(stem) && n.endsWith('.json'))) {
    const path = join(dir, name);
    events.push(...(JSON.parse(readFileSync(path, 'utf8')) as ProfileEvent[]));
    rmSync(path, { force: true });
  }
  return events;
}

/** One line a person can read: "webgpu: every node" or "webgpu: 3 nodes on the CPU (Cast 2, Gather 1)". */
export function describePlacement(expected: string, placement: NodePlacement): string {
  const entries = Object.entries(placement.fallbacks).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return `${expected}: every node placed (${placement.copies} host copies)`;
  const total = entries.reduce((n, [, c]) => n + c, 0);
  const list = entries.map(([op, c]) => `${op} ${c}`).join(', ');
  return `${expected}: ${total} nodes fell back to another provider (${list}); ${placement.copies} host copies`;
}
