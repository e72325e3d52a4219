// compile() and the TrainingProgram it mostly returns: one onnxruntime session running K
// optimizer steps per call, update included (fused.ts builds the graph). The program owns the
// training state between calls: host tensors fed back zero-copy (CPU/CUDA), or WebGPU buffers
// kept on the device and disposed when replaced (ORT 1.30 has no finalizer). See DESIGN.md §3,
// "The fused step". Where the CPU runs AdamW one step per run, compile() returns
// hostProgram.ts's program, which updates on the host instead.

import type { DeviceTensor, Feed, HostTensor, Placement, ProviderName, WebGpuBufferCache } from '../onnx/session';
import { EngineSession, placementOf } from '../onnx/session';
import type { NodePlacement } from '../onnx/placement';
import type { OpProfile } from '../onnx/profile';
import { perStepProfile } from '../onnx/profile';
import { serializeModel } from '../onnx/serialize';
import type { AnyTypedArray } from '../onnx/dtype';
import { DTYPE_BYTES, typedArrayFrom } from '../onnx/dtype';
import { OwnedBuffers } from '../onnx/hostMemory';
import type { FusedMode, StateEntry } from './fused';
import {
  batchInputName,
  buildFusedGraph,
  namedStateEntries,
  OUT_GRAD_NORMS,
  OUT_LOSSES,
  OUT_LRS,
  stateEntries,
  STEP_NAME,
} from './fused';
import type { Bucket } from './flat';
import { bucketsOf, CPU_BUCKET_BYTES, GPU_BUCKET_BYTES, paramDtype, packState, unpackState, viewFeeds } from './flat';
import { WEBGPU_MAX_SPLIT_OUTPUTS } from '../onnx/ops/shape';
import type { BatchInput } from './validate';
import { stackedBatches, validateSpec } from './validate';
import type { BuildDevice, FusedSpec, HostFieldSource } from './spec';
import { graphDeviceFor, hostFieldSourceOf, withHostFieldsFed } from './spec';
import type { StepMode } from './stepMode';
import { isHostUpdate, openHostProgram } from './hostProgram';
import type { StepResult, TrainingProgram, TrainingState } from './trainingProgram';
import { checkedParams, checkedState, hostFieldFeeds, hostNumbers, sliceLeading } from './trainingProgram';
import { isLoopedByDefault } from './stepMode';
import { elementCount } from '../shape';

export interface CompileSpec extends FusedSpec {
  /** Execution providers in order of preference (default ['cpu']). */
  readonly providers?: readonly ProviderName[];
  /**
   * K > 1: 'loop' runs the K steps in one ONNX Loop, 'single' as K one-step runs; 'auto'
   * (default) loops only where isLoopedByDefault says so (CUDA, and the CPU for small models).
   */
  readonly mode?: StepMode;
  /**
   * M > 1: 'loop' sums micro-batches 1…M−1 in an inner Loop (graph size independent of M),
   * 'unroll' builds M copies; 'auto' (default) unrolls only when WebGPU is first choice.
   */
  readonly accumulationMode?: 'auto' | 'loop' | 'unroll';
  readonly intraOpThreads?: number;
  /** Record where each node runs, for `nodePlacement()` (costs a profile of the first step). */
  readonly recordPlacement?: boolean;
  /**
   * The device the graph is shaped for (default: the first provider's kind). Only to measure
   * one shape on the other kind (`spanfill bench train --graph`), e.g. a GPU-shaped step on
   * many CPU cores.
   */
  readonly graphDevice?: BuildDevice;
  /**
   * Where the optimizer's update (AdamW's or Adafactor's) runs when the CPU runs one step per
   * call on float32 parameters: 'auto' (default) in WebAssembly on the host (hostProgram.ts,
   * faster there), 'graph' as graph nodes like everywhere else (to compare the two).
   */
  readonly update?: 'auto' | 'graph';
  /** WebGPU's buffer cache for the step's session (SessionOptions.webgpuBufferCache); default STEP_BUFFER_CACHE. */
  readonly webgpuBufferCache?: WebGpuBufferCache;
}

/**
 * How the step's session keeps its WebGPU buffers between runs: by exact size. A step's shapes
 * are the same every run, so after the first it creates no buffer; onnxruntime's default
 * ('bucket') keeps none over 160 MB, and a t5-small step at B=32 512/114 has attention-score
 * tensors of 268 MB, created and freed every step. Measured on one H200 (2026-12-04, `bench
 * train --provider webgpu --buffer-cache simple|bucket`, each pair in one run): B=32 512/114
 * 428 ms/step (427–428) against 704 (624–741); B=8 128/32 43 ms (42–45) against 74 (69–105).
 */
export const STEP_BUFFER_CACHE: WebGpuBufferCache = 'simple';

/**
 * Builds the fused graph for `spec`, opens its session and returns the program; on the CPU, for
 * float32 parameters one step per run, the host-update program instead (hostProgram.ts).
 */
export async function compile(spec: CompileSpec): Promise<TrainingProgram> {
  validateSpec(spec);
  const providers = spec.providers?.length ? spec.providers : (['cpu'] as const);
  let mode = fusedMode(spec, providers[0]);
  const kind = {
    provider: providers[0],
    device: graphDeviceFor(providers, spec.graphDevice),
    isSingle: mode === 'single',
  };
  if (spec.update !== 'graph' && isHostUpdate(spec, kind)) {
    return openHostProgram(spec, providers, {
      intraOpThreads: spec.intraOpThreads,
      recordPlacement: spec.recordPlacement,
    });
  }
  let opened = await openSession(spec, mode, providers);
  let placement = opened.session.placement;
  const placed = placement.provider;
  if (graphKind(spec, placed) !== graphKind(spec, providers[0])) {
    // The first choice did not load, and the provider we got wants another graph: K steps the
    // other way, or shaped for its device (the CPU's buckets, fed views and masks).
    await opened.session.release();
    mode = fusedMode(spec, placed);
    opened = await openSession(
      spec,
      mode,
      providers.includes(placed) ? providers.slice(providers.indexOf(placed)) : [placed],
    );
    const reopened = opened.session.placement;
    const reasons = [...placement.reasons, ...reopened.reasons];
    placement = placementOf(providers, reopened.provider, reopened.isFullyPlaced, reasons);
  }
  return new FusedProgram(mode, opened, placement);
}

/** The parameters' bytes, at the one dtype they share (flat.ts paramDtype). */
const paramBytes = (spec: FusedSpec): number =>
  spec.params.reduce((sum, p) => sum + elementCount(p.shape), 0) * DTYPE_BYTES[paramDtype(spec)];

/** What decides the graph `spec` gets on `provider`: its mode and the device it is shaped for. */
const graphKind = (spec: CompileSpec, provider: ProviderName): string =>
  `${fusedMode(spec, provider)} ${graphDeviceFor([provider], spec.graphDevice)}`;

/** The graph `spec` gets on `provider`: K steps in one Loop, or one step per run. */
function fusedMode(spec: CompileSpec, provider: ProviderName): FusedMode {
  if (spec.k === 1 || spec.mode === 'single') return 'single';
  return spec.mode === 'loop' || isLoopedByDefault(spec.k, provider, paramBytes(spec)) ? 'loop' : 'single';
}

interface OpenedSession {
  readonly session: EngineSession;
  readonly nextOutputs: Readonly<Record<string, string>>;
  /** The host feeds parameter views of the flat buffers (FusedGraphOptions.views 'fed'). */
  readonly isViewFed: boolean;
  /** The spec the graph was built from: the given one with the provider's bucket size. */
  readonly spec: CompileSpec;
  /** Where the graph takes the spec's host fields from (dropout masks drawn on the host), if it takes them. */
  readonly hostFields: HostFieldSource | null;
}

async function openSession(
  given: CompileSpec,
  mode: FusedMode,
  providers: readonly ProviderName[],
): Promise<OpenedSession> {
  const isCpu = providers[0] === 'cpu';
  const spec = { ...given, maxBucketBytes: given.maxBucketBytes ?? (isCpu ? CPU_BUCKET_BYTES : GPU_BUCKET_BYTES) };
  const isAccumulationLooped =
    spec.accumulationMode === 'loop' || (spec.accumulationMode !== 'unroll' && providers[0] !== 'webgpu');
  // On the CPU the host's state is what ORT reads, so views of it cost nothing; a GPU (or a
  // Loop, which carries its state inside) cuts them in the graph, on the device.
  const isViewFed = mode === 'single' && isCpu;
  const device = graphDeviceFor(providers, spec.graphDevice);
  // So do the fields the host computes, one step at a time (HostFields): a GPU would upload
  // them every step, and a Loop would need all K steps' at once.
  const hostFields = isViewFed && device === 'cpu' ? hostFieldSourceOf(spec) : null;
  const { graph, nextOutputs } = buildFusedGraph(hostFields ? withHostFieldsFed(spec) : spec, mode, {
    isAccumulationLooped,
    views: isViewFed ? 'fed' : 'split',
    maxSplitOutputs: providers[0] === 'webgpu' ? WEBGPU_MAX_SPLIT_OUTPUTS : Infinity,
    device,
  });
  const keepOnDevice = mode === 'single' ? deviceStateOutputs(spec, nextOutputs) : [];
  const session = await EngineSession.create(serializeModel(graph, 'spanfill fused training step'), {
    providers,
    keepOnDevice,
    intraOpThreads: spec.intraOpThreads,
    flushDenormals: true,
    // NOTE: ORT's memory pattern costs 40% more peak memory here (session.ts, memoryPattern).
    memoryPattern: false,
    recordPlacement: spec.recordPlacement,
    webgpuBufferCache: spec.webgpuBufferCache ?? STEP_BUFFER_CACHE,
  });
  return { session, nextOutputs, isViewFed, spec, hostFields };
}

/**
 * The next-state outputs a one-step session keeps on the device between calls. NOTE: only
 * float32 state: WebGPU has no float64 buffers (asking for one throws "unsupported type
 * float64 to create tensor from gpu buffer" on any machine with a working GPU), so float64
 * programs keep their state on the host.
 */
export function deviceStateOutputs(spec: FusedSpec, nextOutputs: Readonly<Record<string, string>>): string[] {
  return stateEntries(spec)
    .filter((e) => e.role !== 'step' && e.dtype === 'float32')
    .map((e) => nextOutputs[e.name]);
}

const isDevice = (f: Feed): f is DeviceTensor => 'kind' in f;

/** A zero-filled state tensor, allocated directly (state can hold hundreds of millions of floats). */
function zeros(e: StateEntry): HostTensor {
  const n = elementCount(e.shape);
  const data =
    e.dtype === 'float32'
      ? new Float32Array(n)
      : e.dtype === 'float64'
        ? new Float64Array(n)
        : e.dtype === 'int64'
          ? new BigInt64Array(n)
          : typedArrayFrom(e.dtype, new Array<number>(n).fill(0));
  return { dtype: e.dtype, dims: [...e.shape], data };
}

class FusedProgram implements TrainingProgram {
  readonly update = 'graph' as const;
  /** The graph's state (flat buffers or per-tensor, flat.ts), which `current` holds. */
  private readonly entries: StateEntry[];
  /** The state as callers see it: per parameter and `opt.<slot>/<param>`. */
  private readonly named: StateEntry[];
  private current: Map<string, Feed> | null = null;
  private isReleased = false;
  private readonly session: EngineSession;
  private readonly nextOutputs: Readonly<Record<string, string>>;
  /** Buckets whose views the host feeds (none unless views are fed). */
  private readonly fedBuckets: readonly Bucket[];
  /** The spec the session was built from (with its provider's bucket size). */
  private readonly spec: CompileSpec;
  /** Host state buffers that came out of this program's runs and were not handed out. */
  private readonly owned = new OwnedBuffers();
  /** The session run in flight, if any. */
  private running: Promise<Record<string, Feed>> | null = null;
  private readonly hostFields: HostFieldSource | null;

  constructor(
    readonly mode: FusedMode,
    opened: OpenedSession,
    readonly placement: Placement,
  ) {
    this.spec = opened.spec;
    this.entries = stateEntries(this.spec);
    this.named = namedStateEntries(this.spec);
    this.session = opened.session;
    this.nextOutputs = opened.nextOutputs;
    this.fedBuckets = opened.isViewFed ? bucketsOf(this.spec) : [];
    this.hostFields = opened.hostFields;
  }

  get k(): number {
    return this.spec.k;
  }

  get accumulation(): number {
    return this.spec.accumulation ?? 1;
  }

  async step(batches: Readonly<Record<string, BatchInput>>): Promise<StepResult> {
    const state = this.requireState();
    const stacked = stackedBatches(this.spec, batches);
    const k = this.spec.k;
    const result = { losses: new Float32Array(k), gradNorms: new Float32Array(k), lr: new Float32Array(k) };
    const calls = this.mode === 'loop' ? 1 : k;
    const perCall = k / calls;
    for (let c = 0; c < calls; c++) {
      const feeds: Record<string, Feed> = {};
      for (const [name, feed] of state) feeds[name] = feed;
      for (const [name, view] of viewFeeds(this.fedBuckets, (b) => state.get(b) as HostTensor)) feeds[name] = view;
      for (const field of this.spec.batch)
        feeds[batchInputName(field.name)] = sliceLeading(stacked[field.name], c, calls);
      Object.assign(feeds, hostFieldFeeds(this.hostFields, state.get(STEP_NAME)));
      this.running = this.session.run(feeds);
      const out = await this.running.finally(() => (this.running = null));
      this.replaceState(state, out);
      result.losses.set(hostNumbers(out[OUT_LOSSES]), c * perCall);
      result.gradNorms.set(hostNumbers(out[OUT_GRAD_NORMS]), c * perCall);
      result.lr.set(hostNumbers(out[OUT_LRS]), c * perCall);
    }
    return result;
  }

  setParams(params: Readonly<Record<string, HostTensor | AnyTypedArray>>): void {
    const checked = checkedParams(this.named, params);
    const packed = packState(this.spec, (name) => checked.get(name));
    this.install(new Map(this.entries.map((e) => [e.name, packed.get(e.name) ?? zeros(e)])));
  }

  async getState(): Promise<TrainingState> {
    const state = this.requireState();
    // The caller keeps what this returns (host buffers are returned or viewed, not copied).
    for (const feed of state.values()) if (!isDevice(feed)) this.owned.share(feed.data);
    const buffers = new Map<string, HostTensor>();
    for (const e of this.entries) {
      const feed = state.get(e.name) as Feed;
      buffers.set(e.name, 'kind' in feed ? await feed.download() : feed);
    }
    const named = unpackState(this.spec, (name) => buffers.get(name) as HostTensor);
    const params: Record<string, HostTensor> = {};
    const optimizer: Record<string, HostTensor> = {};
    for (const e of this.named) {
      if (e.role === 'param') params[e.name] = named.get(e.name) as HostTensor;
      else if (e.role === 'optimizer') optimizer[e.name] = named.get(e.name) as HostTensor;
    }
    const step = Number((buffers.get(STEP_NAME) as HostTensor).data[0]);
    return { step, params, optimizer };
  }

  /** getState()'s arrays are never written here, so lending them needs no copy either. */
  async withState<T>(use: (state: TrainingState) => T | Promise<T>): Promise<T> {
    return use(await this.getState());
  }

  nodePlacement(): NodePlacement {
    return this.session.nodePlacement();
  }

  opProfile(skipCalls: number): OpProfile {
    const isLooped = this.mode === 'loop';
    return perStepProfile(this.session.opProfile(skipCalls * (isLooped ? 1 : this.k)), isLooped ? this.k : 1);
  }

  setState(state: TrainingState): void {
    const checked = checkedState(this.named, state);
    const next = new Map<string, Feed>(packState(this.spec, (name) => checked.get(name)));
    next.set(STEP_NAME, { dtype: 'float32', dims: [], data: Float32Array.of(state.step) });
    this.install(next);
  }

  async release(): Promise<void> {
    if (this.isReleased) return;
    this.isReleased = true;
    // onnxruntime may still be reading the state it was fed: free nothing before its run ends.
    await this.running?.catch(() => undefined);
    if (this.current) this.letGo(this.current.values(), new Map());
    this.current = null;
    await this.session.release();
  }

  private requireState(): Map<string, Feed> {
    if (this.isReleased) throw new Error('step(): this program was released');
    if (!this.current) throw new Error('no training state yet; call setParams() or setState() first');
    return this.current;
  }

  private install(next: Map<string, Feed>): void {
    if (this.isReleased) throw new Error('this program was released');
    if (this.current) this.letGo(this.current.values(), next);
    this.current = next;
  }

  /**
   * Takes the next-state outputs as the new state and lets go of what they replace: device
   * tensors are disposed, host buffers of earlier outputs freed now (hostMemory.ts) unless
   * getState() handed them out.
   */
  private replaceState(state: Map<string, Feed>, out: Record<string, Feed>): void {
    const replaced: Feed[] = [];
    for (const e of this.entries) {
      const fresh = out[this.nextOutputs[e.name]];
      if (!fresh) throw new Error(`fused step: missing output ${this.nextOutputs[e.name]} for '${e.name}'`);
      const old = state.get(e.name);
      if (old && old !== fresh) replaced.push(old);
      if (!isDevice(fresh)) this.owned.adopt(fresh.data);
      state.set(e.name, fresh);
    }
    this.letGo(replaced, state);
  }

  /** Disposes or frees `feeds`, except host buffers that `kept` still uses. */
  private letGo(feeds: Iterable<Feed>, kept: Map<string, Feed>): void {
    const inUse = new Set<ArrayBufferLike>();
    for (const feed of kept.values()) if (!isDevice(feed)) inUse.add(feed.data.buffer);
    for (const feed of feeds) {
      if (isDevice(feed)) feed.dispose();
      else if (!inUse.has(feed.data.buffer)) this.owned.free(feed.data);
    }
  }
}
