// The training program of compile() when the CPU runs AdamW on float32 parameters: the graph
// (hostGraph.ts) computes the loss, the gradients and the update's scalars; the update itself
// runs in WebAssembly (wasm/adamw.wat) over parameters and moments kept in one WebAssembly
// memory, in place. ONNX Runtime reads the parameters there (no copy) and writes the gradients
// there. Why: onnxruntime-node copies every output into a new ArrayBuffer, so a graph that
// returns the new parameters and moments pays a copy of three times the model each step, and
// its update is ~13 elementwise passes (one ORT node each) where the kernel makes one.
// Measured in bench/MEASUREMENTS.md ("2026-12-03, evening: AdamW's update on the host").

import type { AnyTypedArray } from '../onnx/dtype';
import type { NodePlacement } from '../onnx/placement';
import type { OpProfile } from '../onnx/profile';
import { perStepProfile } from '../onnx/profile';
import type { HostTensor, Placement, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import { freeNow } from '../onnx/hostMemory';
import { serializeModel } from '../onnx/serialize';
import type { AdamWConfig } from './adamw';
import { adamwBetas } from './adamw';
import type { StateEntry } from './fused';
import { batchInputName, namedStateEntries, OUT_GRAD_NORMS, OUT_LOSSES, OUT_LRS, STEP_NAME } from './fused';
import type { HostGraph } from './hostGraph';
import { ADAMW_SCALARS, buildHostAdamWGraph, OUT_ADAMW_SCALARS } from './hostGraph';
import { isDecayed, stateName } from './optimizer';
import type { BuildDevice, FusedSpec, HostFieldSource } from './spec';
import { hostFieldSourceOf } from './spec';
import type { StepResult, TrainingProgram, TrainingState } from './trainingProgram';
import { checkedParams, checkedState, hostFieldFeeds, hostNumbers, sliceLeading } from './trainingProgram';
import type { BatchInput } from './validate';
import { stackedBatches } from './validate';
import { AdamWKernel, fitsKernelMemory, paddedLength } from './wasm/adamwKernel';

export type HostAdamWSpec = FusedSpec & { readonly optimizer: AdamWConfig };

/** Where a parameter lives in the kernel's regions. */
interface Slot {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** The parameters' places: decayed ones first, each starting at a multiple of 4 elements. */
function layOut(spec: HostAdamWSpec): { slots: Slot[]; decayedEnd: number; length: number } {
  const slots: Slot[] = [];
  let at = 0;
  let decayedEnd = 0;
  for (const decayed of [true, false]) {
    for (const p of spec.params.filter((q) => isDecayed(spec.optimizer, q) === decayed)) {
      const size = p.shape.reduce((a, b) => a * b, 1);
      slots.push({ name: p.name, shape: p.shape, offset: at, size });
      at += paddedLength(size);
    }
    if (decayed) decayedEnd = at;
  }
  return { slots, decayedEnd, length: at };
}

/** What compile() would build for a spec: the first provider, the device it shapes for, one step per run. */
export interface HostGraphKind {
  readonly provider: ProviderName;
  readonly device: BuildDevice;
  readonly isSingle: boolean;
}

/**
 * Whether compile() runs `spec`'s update on the host: AdamW, float32 parameters, the CPU first,
 * one step per run, and the state fits one WebAssembly memory (up to ~268M parameters).
 */
export function isHostUpdate<S extends FusedSpec>(spec: S, graph: HostGraphKind): spec is S & HostAdamWSpec {
  if (graph.provider !== 'cpu' || graph.device !== 'cpu' || !graph.isSingle) return false;
  if (spec.optimizer.kind !== 'adamw') return false;
  if ((spec.params[0]?.dtype ?? 'float32') !== 'float32') return false;
  return fitsKernelMemory(layOut(spec as HostAdamWSpec).length);
}

export async function openHostProgram(
  spec: HostAdamWSpec,
  providers: readonly ProviderName[],
  options: { intraOpThreads?: number; recordPlacement?: boolean },
): Promise<TrainingProgram> {
  const hostFields = hostFieldSourceOf(spec);
  const built = buildHostAdamWGraph(spec, hostFields !== null);
  const session = await EngineSession.create(serializeModel(built.graph, 'spanfill training step (host AdamW)'), {
    providers,
    intraOpThreads: options.intraOpThreads,
    flushDenormals: true,
    memoryPattern: false, // as the fused step's (session.ts, memoryPattern)
    recordPlacement: options.recordPlacement,
  });
  return new HostAdamWProgram(spec, session, built, hostFields);
}

class HostAdamWProgram implements TrainingProgram {
  readonly mode = 'single' as const;
  readonly update = 'host' as const;
  readonly placement: Placement;
  private readonly named: StateEntry[];
  private readonly slots: Slot[];
  private readonly decayedEnd: number;
  private readonly kernel: AdamWKernel;
  /** The step's parameter feeds and gradient outputs: views of the kernel's memory, which never moves. */
  private readonly paramFeeds: Readonly<Record<string, HostTensor>>;
  private readonly gradsInto: Readonly<Record<string, HostTensor>>;
  /** Steps done; null until setParams or setState. */
  private done: HostTensor | null = null;
  private isReleased = false;
  private running: Promise<unknown> | null = null;
  /** Callers of withState() not yet finished: the state must not change under them. */
  private lent = 0;
  private readonly gradOutputs: Readonly<Record<string, string>>;
  private readonly nextStep: string;

  constructor(
    private readonly spec: HostAdamWSpec,
    private readonly session: EngineSession,
    built: HostGraph,
    /** The spec's host fields of a step, fed when the graph takes them (openHostProgram). */
    private readonly hostFieldsOf: HostFieldSource | null,
  ) {
    this.gradOutputs = built.gradOutputs;
    this.nextStep = built.nextStep;
    this.placement = session.placement;
    this.named = namedStateEntries(spec);
    const { slots, decayedEnd, length } = layOut(spec);
    this.slots = slots;
    this.decayedEnd = decayedEnd;
    this.kernel = new AdamWKernel(length);
    this.paramFeeds = Object.fromEntries(slots.map((slot) => [slot.name, this.view(this.kernel.params, slot)]));
    this.gradsInto = Object.fromEntries(
      slots.map((slot) => [this.gradOutputs[slot.name], this.view(this.kernel.grads, slot)]),
    );
  }

  get k(): number {
    return this.spec.k;
  }

  get accumulation(): number {
    return this.spec.accumulation ?? 1;
  }

  async step(batches: Readonly<Record<string, BatchInput>>): Promise<StepResult> {
    this.requireWritable('step()');
    this.requireState();
    const stacked = stackedBatches(this.spec, batches);
    const k = this.spec.k;
    const result = { losses: new Float32Array(k), gradNorms: new Float32Array(k), lr: new Float32Array(k) };
    for (let c = 0; c < k; c++) {
      const feeds: Record<string, HostTensor> = { ...this.paramFeeds, [STEP_NAME]: this.done as HostTensor };
      for (const field of this.spec.batch) feeds[batchInputName(field.name)] = sliceLeading(stacked[field.name], c, k);
      Object.assign(feeds, hostFieldFeeds(this.hostFieldsOf, this.done as HostTensor));
      this.running = this.session.runHost(feeds, undefined, this.gradsInto);
      const out = await (this.running as Promise<Record<string, HostTensor>>).finally(() => (this.running = null));
      // The gradients are in the kernel's memory already; the binding's copies are not needed.
      for (const name of Object.values(this.gradOutputs)) freeNow(out[name].data);
      this.applyUpdate(hostNumbers(out[OUT_ADAMW_SCALARS]));
      this.done = out[this.nextStep];
      result.losses.set(hostNumbers(out[OUT_LOSSES]), c);
      result.gradNorms.set(hostNumbers(out[OUT_GRAD_NORMS]), c);
      result.lr.set(hostNumbers(out[OUT_LRS]), c);
    }
    return result;
  }

  setParams(params: Readonly<Record<string, HostTensor | AnyTypedArray>>): void {
    const checked = checkedParams(this.named, params);
    this.requireWritable('setParams()');
    for (const s of this.slots) {
      this.part(this.kernel.params, s).set(checked.get(s.name)?.data as Float32Array);
      this.part(this.kernel.m, s).fill(0);
      this.part(this.kernel.v, s).fill(0);
    }
    this.done = { dtype: 'float32', dims: [], data: Float32Array.of(0) };
  }

  setState(state: TrainingState): void {
    const checked = checkedState(this.named, state);
    this.requireWritable('setState()');
    for (const s of this.slots) {
      this.part(this.kernel.params, s).set(checked.get(s.name)?.data as Float32Array);
      this.part(this.kernel.m, s).set(checked.get(stateName(s.name, 'm'))?.data as Float32Array);
      this.part(this.kernel.v, s).set(checked.get(stateName(s.name, 'v'))?.data as Float32Array);
    }
    this.done = { dtype: 'float32', dims: [], data: Float32Array.of(state.step) };
  }

  /** Copies: the kernel's memory changes in place with every step. */
  async getState(): Promise<TrainingState> {
    this.requireState();
    return this.stateOf((region, s) => ({ dtype: 'float32', dims: [...s.shape], data: this.part(region, s).slice() }));
  }

  /** Views of the kernel's memory, no copy; step, setParams and setState are refused meanwhile. */
  async withState<T>(use: (state: TrainingState) => T | Promise<T>): Promise<T> {
    this.requireState();
    // A step in flight updates the memory once ORT returns: lending it now would change it under `use`.
    if (this.running) throw new Error('withState(): a step is running; wait for it to finish');
    this.lent++;
    try {
      return await use(this.stateOf((region, s) => this.view(region, s)));
    } finally {
      this.lent--;
    }
  }

  nodePlacement(): NodePlacement {
    return this.session.nodePlacement();
  }

  /** The graph's kernels only: the update runs outside ONNX Runtime. */
  opProfile(skipCalls: number): OpProfile {
    return perStepProfile(this.session.opProfile(skipCalls * this.k), 1);
  }

  async release(): Promise<void> {
    if (this.isReleased) return;
    this.isReleased = true;
    // onnxruntime may still be reading the parameters: release nothing before its run ends.
    await this.running?.catch(() => undefined);
    await this.session.release();
  }

  /** The state, each tensor made from its region and slot by `tensor`. */
  private stateOf(tensor: (region: Float32Array, s: Slot) => HostTensor): TrainingState {
    const params: Record<string, HostTensor> = {};
    const optimizer: Record<string, HostTensor> = {};
    for (const s of this.slots) {
      params[s.name] = tensor(this.kernel.params, s);
      optimizer[stateName(s.name, 'm')] = tensor(this.kernel.m, s);
      optimizer[stateName(s.name, 'v')] = tensor(this.kernel.v, s);
    }
    return { step: Number((this.done as HostTensor).data[0]), params, optimizer };
  }

  private applyUpdate(scalars: Float32Array): void {
    const value = Object.fromEntries(ADAMW_SCALARS.map((name, i) => [name, scalars[i]])) as Record<
      (typeof ADAMW_SCALARS)[number],
      number
    >;
    const common = { ...value, ...adamwBetas(this.spec.optimizer) };
    this.kernel.apply(0, this.decayedEnd, common);
    this.kernel.apply(this.decayedEnd, this.kernel.length, { ...common, keep: 1 });
  }

  /** A parameter's part of a region. */
  private part(region: Float32Array, s: Slot): Float32Array {
    return region.subarray(s.offset, s.offset + s.size);
  }

  /** The same as a host tensor of the parameter's shape. */
  private view(region: Float32Array, s: Slot): HostTensor {
    return { dtype: 'float32', dims: [...s.shape], data: this.part(region, s) };
  }

  /** Before anything writes the state (step, setParams, setState). */
  private requireWritable(caller: string): void {
    if (this.isReleased) throw new Error(`${caller}: this program was released`);
    if (this.lent > 0) throw new Error(`${caller}: the state is lent to withState(); wait for it to finish`);
  }

  private requireState(): void {
    if (this.isReleased) throw new Error('this program was released');
    if (!this.done) throw new Error('no training state yet; call setParams() or setState() first');
  }
}
