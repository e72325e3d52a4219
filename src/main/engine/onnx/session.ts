// The session adapter: the only module that imports onnxruntime-node. It turns our host
// tensors into ort.Tensors, picks execution providers from a preference list, reports which
// provider actually ran (via session config `session.disable_cpu_ep_fallback`) and falls back
// to CPU with a message a person can act on. Reference: onnxruntime-node 1.30 API,
// onnxruntime_session_options_config_keys.h.

import ort from 'onnxruntime-node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyTypedArray, DType } from './dtype';
import { downloadDeviceTensor } from './download';
import type { NodePlacement } from './placement';
import type { ProfileEvent } from './placement';
import { describePlacement, placementFromProfile, readProfile } from './placement';
import type { OpProfile } from './profile';
import { opProfile } from './profile';
import { keepOrtTelemetryOff } from './telemetry';
import { providerHint, PROVIDERS, type ProviderName } from './providers';
import { errorMessage } from '../../../shared/errors';

export { PROVIDERS, type ProviderName };

/**
 * How the WebGPU EP keeps storage buffers between uses: 'bucket' (onnxruntime's default)
 * rounds sizes up to buckets and keeps only a few buffers of each large bucket, none over
 * 160 MB; 'simple' keeps every released buffer by its exact size, so a graph whose shapes
 * never change stops creating buffers after its first run (and holds its peak meanwhile).
 * Reference: onnxruntime webgpu/buffer_manager.cc (BucketCacheManager, SimpleCacheManager).
 */
export const WEBGPU_BUFFER_CACHES = ['bucket', 'simple'] as const;
export type WebGpuBufferCache = (typeof WEBGPU_BUFFER_CACHES)[number];

/** A tensor on the host: typed data plus dims. */
export interface HostTensor {
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly data: AnyTypedArray;
}

/** A tensor kept by the runtime (a WebGPU buffer); pass it back as a feed, then dispose. */
export interface DeviceTensor {
  readonly kind: 'device';
  readonly dtype: DType;
  readonly dims: readonly number[];
  /** Copies the data to the host. */
  download(): Promise<HostTensor>;
  dispose(): void;
  /** @internal the runtime's tensor */
  readonly handle: unknown;
}

export type Feed = HostTensor | DeviceTensor;

export interface SessionOptions {
  /** Providers to try, in order; CPU is always the final fallback. Default ['cpu']. */
  readonly providers?: readonly ProviderName[];
  readonly intraOpThreads?: number;
  /** Outputs to keep on the device (WebGPU only): their results come back as DeviceTensor. */
  readonly keepOnDevice?: readonly string[];
  readonly graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
  readonly logSeverity?: 0 | 1 | 2 | 3 | 4;
  /**
   * Treat denormal floats as zero. NOTE: training wants this: Adam's moments for rows that
   * never get a gradient decay into denormals, and arithmetic on those is ~5× slower on CPU.
   */
  readonly flushDenormals?: boolean;
  /**
   * ORT's memory pattern (default on): after the first run it plans every intermediate into
   * one pre-sized block. NOTE: off for the training step: its fwd+bwd graph then peaks at
   * ~2.6 GB instead of ~3.6 GB (t5-small, batch 8, 128/29) and ~5.7 GB instead of ~9.7 GB
   * (512/114) on the CPU, at no measurable cost in ms/step; the arena still reuses freed blocks.
   */
  readonly memoryPattern?: boolean;
  /** Write ORT's per-node profile (Chrome trace JSON) to files starting with this path. */
  readonly profileFilePrefix?: string;
  /**
   * Record where each node runs (through ORT's profiler, on the first run) so that
   * `nodePlacement()` can say which nodes fell back. Not with profileFilePrefix.
   */
  readonly recordPlacement?: boolean;
  /** WebGPU's buffer cache (WEBGPU_BUFFER_CACHES); default onnxruntime's. Ignored by other providers. */
  readonly webgpuBufferCache?: WebGpuBufferCache;
}

export interface Placement {
  readonly requested: readonly ProviderName[];
  /** The provider whose session was created. */
  readonly provider: ProviderName;
  /** True when every node ran on `provider` (CPU fallback disabled and the session still built). */
  readonly isFullyPlaced: boolean;
  /**
   * Why each provider asked for before `provider` did not load, and why some nodes left
   * `provider` for the CPU, in words a person can act on; empty when the first choice fully worked.
   */
  readonly reasons: readonly string[];
  /** What happened: the reasons, and that the CPU runs instead when no provider asked for loaded. */
  readonly message: string;
}

/**
 * The placement of a session on `provider`, its message composed from `reasons`: the one place
 * that says the CPU runs instead (also for a program that re-opens its session, optim/program.ts).
 */
export function placementOf(
  requested: readonly ProviderName[],
  provider: ProviderName,
  isFullyPlaced: boolean,
  reasons: readonly string[],
): Placement {
  const fellBack = !requested.includes(provider);
  const message = [...reasons, ...(fellBack ? [CPU_FALLBACK_NOTE] : [])].join('; ');
  return { requested, provider, isFullyPlaced, reasons, message };
}

export function assertProvider(name: string): ProviderName {
  if (!(PROVIDERS as readonly string[]).includes(name)) {
    throw new Error(`Unknown execution provider '${name}'; expected one of: ${PROVIDERS.join(', ')}`);
  }
  return name as ProviderName;
}

function toOrt(feed: Feed): ort.Tensor {
  if ('kind' in feed) return feed.handle as ort.Tensor;
  return new ort.Tensor(feed.dtype, feed.data as never, [...feed.dims]);
}

function fromOrt(t: ort.Tensor): HostTensor {
  return { dtype: t.type as DType, dims: [...t.dims], data: t.data as AnyTypedArray };
}

function wrapDevice(t: ort.Tensor): DeviceTensor {
  return {
    kind: 'device',
    dtype: t.type as DType,
    dims: [...t.dims],
    handle: t,
    async download() {
      return { dtype: t.type as DType, dims: [...t.dims], data: await downloadDeviceTensor(t) };
    },
    dispose() {
      t.dispose();
    },
  };
}

let placementFiles = 0;

export class EngineSession {
  private nodes: NodePlacement | null = null;
  private events: ProfileEvent[] | null = null;
  private hasRun = false;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly placement: Placement,
    private readonly placementPrefix: string | undefined,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  static async create(model: Uint8Array | string, givenOptions: SessionOptions = {}): Promise<EngineSession> {
    if (givenOptions.recordPlacement && givenOptions.profileFilePrefix)
      throw new Error(
        'EngineSession: recordPlacement and profileFilePrefix cannot be combined (both use the profiler)',
      );
    const prefix = givenOptions.recordPlacement
      ? join(tmpdir(), `spanfill-placement-${process.pid}-${placementFiles++}`)
      : undefined;
    const options: SessionOptions = prefix ? { ...givenOptions, profileFilePrefix: prefix } : givenOptions;
    const requested = options.providers?.length ? options.providers.map(assertProvider) : (['cpu'] as ProviderName[]);
    keepOrtTelemetryOff();
    const failures: string[] = [];
    for (const provider of requested) {
      if (provider === 'cpu') {
        const session = await ort.InferenceSession.create(model as never, ortOptions('cpu', options, false));
        return new EngineSession(session, placementOf(requested, provider, true, failures), prefix);
      }
      try {
        const session = await ort.InferenceSession.create(model as never, ortOptions(provider, options, true));
        return new EngineSession(session, placementOf(requested, provider, true, failures), prefix);
      } catch (strictError) {
        try {
          const session = await ort.InferenceSession.create(model as never, ortOptions(provider, options, false));
          const note = `${provider}: some nodes have no ${provider} kernel and run on the CPU (${firstLine(strictError)})`;
          return new EngineSession(session, placementOf(requested, provider, false, [...failures, note]), prefix);
        } catch (error) {
          failures.push(`${provider} did not load (${firstLine(error)}); ${providerHint(provider)}`);
        }
      }
    }
    const session = await ort.InferenceSession.create(model as never, ortOptions('cpu', options, false));
    return new EngineSession(session, placementOf(requested, 'cpu', true, failures), prefix);
  }

  /**
   * Runs the graph. NOTE: blocks this process's event loop for the duration (ORT 1.30).
   * `into` names outputs to write into given host memory (ORT writes them there; the binding
   * still returns a copy of each, as of every output).
   */
  async run(
    feeds: Readonly<Record<string, Feed>>,
    outputNames?: readonly string[],
    into?: Readonly<Record<string, HostTensor>>,
  ): Promise<Record<string, HostTensor | DeviceTensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) ortFeeds[name] = toOrt(feed);
    const results = await this.session.run(ortFeeds, this.fetches(outputNames, into));
    this.hasRun = true;
    const out: Record<string, HostTensor | DeviceTensor> = {};
    for (const [name, t] of Object.entries(results)) out[name] = t.location === 'cpu' ? fromOrt(t) : wrapDevice(t);
    return out;
  }

  /** What ORT's run() is asked for: the output names, or each name with its memory or null. */
  private fetches(
    outputNames: readonly string[] | undefined,
    into: Readonly<Record<string, HostTensor>> | undefined,
  ): string[] | Record<string, ort.Tensor | null> {
    const names = [...(outputNames ?? this.session.outputNames)];
    if (!into) return names;
    for (const name of Object.keys(into))
      if (!names.includes(name)) throw new Error(`run(): '${name}' is not an output asked for`);
    return Object.fromEntries(names.map((name) => [name, into[name] ? toOrt(into[name]) : null]));
  }

  /** Like run, but every output must be on the host. */
  async runHost(
    feeds: Readonly<Record<string, Feed>>,
    outputNames?: readonly string[],
    into?: Readonly<Record<string, HostTensor>>,
  ): Promise<Record<string, HostTensor>> {
    const out = await this.run(feeds, outputNames, into);
    const host: Record<string, HostTensor> = {};
    for (const [name, t] of Object.entries(out)) {
      if (!('kind' in t)) host[name] = t;
      else {
        // A kept output comes back as a copy; its GPU buffer has no other owner, so free it here.
        host[name] = await t.download();
        t.dispose();
      }
    }
    return host;
  }

  /**
   * Where the nodes ran, by op type (sessions created with recordPlacement, after one run: ORT
   * assigns kernels when the session is created but reports them only per executed node).
   * Ends the recording; later calls return the same answer.
   */
  nodePlacement(): NodePlacement {
    this.nodes ??= placementFromProfile(this.recorded('nodePlacement()'), this.placement.provider);
    return this.nodes;
  }

  /**
   * Kernel time per op type over the runs after the first `skipRuns`, from the same recording
   * as nodePlacement (which it also ends): ask before anything calls nodePlacement, so the
   * recording holds the runs to sum.
   */
  opProfile(skipRuns: number): OpProfile {
    return opProfile(this.recorded('opProfile()'), skipRuns);
  }

  /** The recording's events: ends it and reads its file on first use. */
  private recorded(caller: string): ProfileEvent[] {
    if (this.events) return this.events;
    if (!this.placementPrefix) throw new Error(`${caller}: create the session with recordPlacement: true`);
    if (!this.hasRun) throw new Error(`${caller}: run the session once first`);
    this.session.endProfiling();
    this.events = readProfile(this.placementPrefix);
    return this.events;
  }

  /** nodePlacement() in one line, e.g. "webgpu: 3 nodes fell back … (Cast 2, Gather 1)". */
  describeNodePlacement(): string {
    return describePlacement(this.placement.provider, this.nodePlacement());
  }

  /** Ends profiling (when profileFilePrefix was set) and flushes the trace file. */
  endProfiling(): void {
    this.session.endProfiling();
  }

  async release(): Promise<void> {
    if (this.placementPrefix && !this.events) {
      // Recorded but never asked for: end the profile and delete its file.
      this.session.endProfiling();
      readProfile(this.placementPrefix);
    }
    await this.session.release();
  }
}

/** Our options as ORT's, for one provider; strict: no CPU fallback. Exported for tests. */
export function ortOptions(
  provider: ProviderName,
  options: SessionOptions,
  isStrict: boolean,
): ort.InferenceSession.SessionOptions {
  const sessionConfig: Record<string, string> = {};
  if (isStrict) sessionConfig.disable_cpu_ep_fallback = '1';
  if (options.flushDenormals) sessionConfig.set_denormal_as_zero = '1';
  const extra: Record<string, Record<string, string>> = { session: sessionConfig };
  const cache = provider === 'webgpu' ? options.webgpuBufferCache : undefined;
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: [cache ? { name: 'webgpu', storageBufferCacheMode: cache } : provider],
    graphOptimizationLevel: options.graphOptimization ?? 'all',
    logSeverityLevel: options.logSeverity ?? 3,
    extra,
  };
  if (options.intraOpThreads) opts.intraOpNumThreads = options.intraOpThreads;
  if (options.memoryPattern !== undefined) opts.enableMemPattern = options.memoryPattern;
  if (options.profileFilePrefix) {
    opts.enableProfiling = true;
    opts.profileFilePrefix = options.profileFilePrefix;
  }
  if (options.keepOnDevice?.length && provider === 'webgpu') {
    const locations: Record<string, 'gpu-buffer'> = {};
    for (const name of options.keepOnDevice) locations[name] = 'gpu-buffer';
    opts.preferredOutputLocation = locations;
  }
  return opts;
}

/** The human part of an ORT error: its first line, without the C++ source location. */
function firstLine(error: unknown): string {
  const text = errorMessage(error);
  const line = text.split('\n').find((part) => part.trim() !== '') ?? text;
  const failedAt = line.lastIndexOf('Failed to');
  const human = failedAt > 0 ? line.slice(failedAt) : line;
  return human.length > 300 ? `${human.slice(0, 300)}…` : human;
}

/** The placement message's last part when no provider asked for loaded. */
const CPU_FALLBACK_NOTE = 'running on the CPU instead';

/** Providers compiled into this onnxruntime-node build (whether or not they load). */
export function supportedProviders(): Set<string> {
  return new Set(ort.listSupportedBackends().map((backend) => backend.name));
}

/** The onnxruntime version this build uses. */
export function ortVersion(): string {
  return ort.env.versions.common;
}
