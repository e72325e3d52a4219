// The training program of compile() when the CPU runs the optimizer's update (AdamW or
// Adafactor, float32 parameters) on the host: the graph (hostGraph.ts) computes the loss, the
// gradients and the update's scalars; the update itself runs in WebAssembly (hostAdamW.ts,
// hostAdafactor.ts) over parameters and state kept in one WebAssembly memory, in place. ONNX
// Runtime reads the parameters there (no copy) and writes the gradients there. Why:
// onnxruntime-node copies every output into a new ArrayBuffer, so a graph that returns the new
// parameters (and AdamW's moments) pays a copy of them every step, and its update is ~13
// elementwise passes (one ORT node each) where a kernel makes one or two. Measured in
// bench/MEASUREMENTS.md ("2026-12-03, evening: AdamW's update on the host", "2026-12-04:
// Adafactor's update on the host").

import type { AnyTypedArray } from '../onnx/dtype';
import type { NodePlacement } from '../onnx/placement';
import type { OpProfile } from '../onnx/profile';
import { perStepProfile } from '../onnx/profile';
import type { HostTensor, Placement, ProviderName } from '../onnx/session';
import { EngineSession } from '../onnx/session';
import { freeNow } from '../onnx/hostMemory';
import { serializeModel } from '../onnx/serialize';
import type { AdafactorConfig } from './adafactor';
import type { AdamWConfig } from './adamw';
import type { StateEntry } from './fused';
import { batchInputName, namedStateEntries, OUT_GRAD_NORMS, OUT_LOSSES, OUT_LRS, STEP_NAME } from './fused';
import { fitsHostAdafactor, hostAdafactor } from './hostAdafactor';
import { fitsHostAdamW, hostAdamW } from './hostAdamW';
import type { HostGraph } from './hostGraph';
import { buildHostGraph, OUT_UPDATE_SCALARS } from './hostGraph';
import type { HostUpdater } from './hostUpdater';
import type { BuildDevice, FusedSpec, HostFieldSource } from './spec';
import { hostFieldSourceOf } from './spec';
import type { StepResult, TrainingProgram, TrainingState } from './trainingProgram';
import { checkedParams, checkedState, hostFieldFeeds, hostNumbers, sliceLeading } from './trainingProgram';
import type { BatchInput } from './validate';
import { stackedBatches } from './validate';

export type HostUpdateSpec = FusedSpec & { readonly optimizer: AdamWConfig | AdafactorConfig };

/** What compile() would build for a spec: the first provider, the device it shapes for, one step per run. */
export interface HostGraphKind {
  readonly provider: ProviderName;
  readonly device: BuildDevice;
  readonly isSingle: boolean;
}

/**
 * Whether compile() runs `spec`'s update on the host: float32 parameters, the CPU first, one
 * step per run, and the state fits one WebAssembly memory (AdamW: up to ~268M parameters,
 * Adafactor without β₁ ~536M).
 */
export function isHostUpdate<S extends FusedSpec>(spec: S, graph: HostGraphKind): spec is S & HostUpdateSpec {
  if (graph.provider !== 'cpu' || graph.device !== 'cpu' || !graph.isSingle) return false;
  if ((spec.params[0]?.dtype ?? 'float32') !== 'float32') return false;
  const optimizer = spec.optimizer;
  return optimizer.kind === 'adamw' ? fitsHostAdamW({ ...spec, optimizer }) : fitsHostAdafactor({ ...spec, optimizer });
}

export async function openHostProgram(
  spec: HostUpdateSpec,
  providers: readonly ProviderName[],
  options: { intraOpThreads?: number; recordPlacement?: boolean },
): Promise<TrainingProgram> {
  const hostFields = hostFieldSourceOf(spec);
  const built = buildHostGraph(spec, hostFields !== null);
  // The updater's memory first: a session opened before it would be left open if it failed.
  const optimizer = spec.optimizer;
  const updater =
    optimizer.kind === 'adamw' ? hostAdamW({ ...spec, optimizer }) : hostAdafactor({ ...spec, optimizer });
  const session = await EngineSession.create(serializeModel(built.graph, 'spanfill training step (host update)'), {
    providers,
    intraOpThreads: options.intraOpThreads,
    flushDenormals: true,
    memoryPattern: false, // as the fused step's (session.ts, memoryPattern)
    recordPlacement: options.recordPlacement,
  });
  return new HostUpdateProgram(spec, session, built, hostFields, updater);
}

class HostUpdateProgram implements TrainingProgram {
  readonly mode = 'single' as const;
  readonly update = 'host' as const;
  readonly placement: Placement;
  /** The parameters' and optimizer state's entries (not the step). */
  private readonly named: StateEntry[];
  /** The step's parameter feeds and gradient outputs: views of the updater's memory, which never moves. */
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
    private readonly spec: HostUpdateSpec,
    private readonly session: EngineSession,
    built: HostGraph,
    /** The spec's host fields of a step, fed when the graph takes them (openHostProgram). */
    private readonly hostFieldsOf: HostFieldSource | null,
    private readonly updater: HostUpdater,
  ) {
    this.gradOutputs = built.gradOutputs;
    this.nextStep = built.nextStep;
    this.placement = session.placement;
    this.named = namedStateEntries(spec).filter((e) => e.role !== 'step');
    const params = this.named.filter((e) => e.role === 'param');
    this.paramFeeds = Object.fromEntries(params.map((e) => [e.name, this.view(e)]));
    this.gradsInto = Object.fromEntries(
      params.map((e) => [this.gradOutputs[e.name], this.tensor(e, updater.grads.get(e.name) as Float32Array)]),
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
      // The gradients are in the updater's memory already; the binding's copies are not needed.
      for (const name of Object.values(this.gradOutputs)) freeNow(out[name].data);
      this.updater.apply(hostNumbers(out[OUT_UPDATE_SCALARS]));
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
    for (const e of this.named) {
      const memory = this.memory(e);
      if (e.role === 'param') memory.set(checked.get(e.name)?.data as Float32Array);
      else memory.fill(0);
    }
    this.done = { dtype: 'float32', dims: [], data: Float32Array.of(0) };
  }

  setState(state: TrainingState): void {
    const checked = checkedState(this.named, state);
    this.requireWritable('setState()');
    for (const e of this.named) this.memory(e).set(checked.get(e.name)?.data as Float32Array);
    this.done = { dtype: 'float32', dims: [], data: Float32Array.of(state.step) };
  }

  /** Copies: the updater's memory changes in place with every step. */
  async getState(): Promise<TrainingState> {
    this.requireState();
    return this.stateOf((e) => this.tensor(e, this.memory(e).slice()));
  }

  /** Views of the updater's memory, no copy; step, setParams and setState are refused meanwhile. */
  async withState<T>(use: (state: TrainingState) => T | Promise<T>): Promise<T> {
    this.requireState();
    // A step in flight updates the memory once ORT returns: lending it now would change it under `use`.
    if (this.running) throw new Error('withState(): a step is running; wait for it to finish');
    this.lent++;
    try {
      return await use(this.stateOf((e) => this.view(e)));
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

  /** The state, each entry's tensor made by `tensor`. */
  private stateOf(tensor: (e: StateEntry) => HostTensor): TrainingState {
    const params: Record<string, HostTensor> = {};
    const optimizer: Record<string, HostTensor> = {};
    for (const e of this.named) (e.role === 'param' ? params : optimizer)[e.name] = tensor(e);
    return { step: Number((this.done as HostTensor).data[0]), params, optimizer };
  }

  /** An entry's memory in the updater. */
  private memory(e: StateEntry): Float32Array {
    const memory = this.updater.views.get(e.name);
    if (!memory) throw new Error(`host update: no memory for '${e.name}'`); // a bug in the updater
    return memory;
  }

  /** An entry's memory as a host tensor of its shape. */
  private view(e: StateEntry): HostTensor {
    return this.tensor(e, this.memory(e));
  }

  private tensor(e: StateEntry, data: Float32Array): HostTensor {
    return { dtype: 'float32', dims: [...e.shape], data };
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
