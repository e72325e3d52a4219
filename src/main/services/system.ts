// System service: versions, data directory, CPU threads and the onnxruntime execution
// providers that load here. Provider probing runs in the engine host (see probeProviders).

import os from 'node:os';
import type { SystemInfo } from '../../shared/contract';
import type { ProbeResult } from '../engine/onnx/probe';
import type { EngineHostManager } from './engine-host';
import type { DomainHandlers } from './handler';

export interface SystemServiceDeps {
  readonly appVersion: string;
  readonly dataDir: string;
  readonly schemaVersion: number;
  readonly engine: EngineHostManager;
  readonly electronVersion?: string;
}

/** Ask the engine host which providers load; a GPU driver crash then only kills the host. */
export function probeProviders(engine: EngineHostManager): Promise<ProbeResult> {
  return engine.request('system.probeProviders', {}, { timeoutMs: 60_000 });
}

export class SystemService {
  private probe: Promise<ProbeResult> | undefined;

  constructor(private readonly deps: SystemServiceDeps) {}

  async info(options: { refresh?: boolean } = {}): Promise<SystemInfo> {
    if (!this.probe || options.refresh) {
      const probe = probeProviders(this.deps.engine);
      this.probe = probe;
      // Do not cache a failure (the next call tries again), unless a newer probe replaced it.
      probe.catch(() => {
        if (this.probe === probe) this.probe = undefined;
      });
    }
    let probe: ProbeResult | undefined;
    let probeError: string | undefined;
    try {
      probe = await this.probe;
    } catch (error) {
      probeError = error instanceof Error ? error.message : String(error);
    }
    return {
      appVersion: this.deps.appVersion,
      dataDir: this.deps.dataDir,
      schemaVersion: this.deps.schemaVersion,
      ortVersion: probe?.ortVersion ?? 'unknown',
      providers: probe?.providers ?? [],
      cpuThreads: os.availableParallelism(),
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      ...(this.deps.electronVersion ? { electronVersion: this.deps.electronVersion } : {}),
      ...(probeError ? { probeError } : {}),
    };
  }
}

export function systemHandlers(services: { readonly system: SystemService }): DomainHandlers<'system'> {
  return {
    'system.info': (args) => services.system.info(args),
    'system.ping': async ({ message }) => ({ message, receivedAt: new Date().toISOString() }),
  };
}
