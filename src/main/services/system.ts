// System service: versions, data directory (and whether commands must name it), CPU threads
// and the onnxruntime execution providers that load here, and the stored app settings
// (provider, CPU threads). Provider probing runs in the engine host (see probeProviders). The
// runs service reads settings() for a new run's provider and threads when its request names
// none (resolveRunRequest).

import os from 'node:os';
import type { SystemInfo } from '../../shared/contract';
import type { AppSettings, DataDirInfo } from '../../shared/contract/system';
import type { ProbeResult } from '../engine/onnx/probe';
import type { SettingsRepository } from '../store/settings';
import type { EngineHostManager } from './engine-host';
import type { EventBus } from './events';
import type { DomainHandlers } from './handler';
import { readAppSettings, readServedPort } from './settingsRead';
import { errorMessage } from '../../shared/errors';

export interface SystemServiceDeps {
  readonly appVersion: string;
  readonly dataDir: string;
  /** Whether commands shown for a terminal must name dataDir (DataDirInfo); false when absent. */
  readonly isDataDirChosen?: boolean;
  readonly schemaVersion: number;
  /** What the store's open did to a database an older version wrote (SystemInfo.databaseUpdate); absent where nothing. */
  readonly databaseUpdate?: string;
  readonly engine: EngineHostManager;
  readonly electronVersion?: string;
  readonly settings: SettingsRepository;
  /** Where a save is announced (system.settingsChanged), so every open window follows it. */
  readonly events?: EventBus;
}

const settingsKey = 'app';
/** The port `spanfill serve` last listened on for this data directory. */
const servedPortKey = 'serve.port';

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
      probeError = errorMessage(error);
    }
    return {
      appVersion: this.deps.appVersion,
      ...this.dataDir(),
      schemaVersion: this.deps.schemaVersion,
      ...(this.deps.databaseUpdate ? { databaseUpdate: this.deps.databaseUpdate } : {}),
      ortVersion: probe?.ortVersion ?? 'unknown',
      providers: probe?.providers ?? [],
      ...(probe ? { ortTelemetry: probe.ortTelemetry } : {}),
      cpuThreads: this.cpuThreads(),
      platform: process.platform,
      arch: process.arch,
      nodeVersion: process.versions.node,
      ...(this.deps.electronVersion ? { electronVersion: this.deps.electronVersion } : {}),
      ...(probeError ? { probeError } : {}),
    };
  }

  /** The data directory and whether commands shown for a terminal must name it (info's, without probing). */
  dataDir(): DataDirInfo {
    return { dataDir: this.deps.dataDir, isDataDirChosen: this.deps.isDataDirChosen ?? false };
  }

  /** The CPU threads this machine runs at once (info's cpuThreads), without probing the providers. */
  cpuThreads(): number {
    return os.availableParallelism();
  }

  /**
   * The saved settings, defaults filled in; a stored value that cannot be read is its default,
   * and `warning` says so (settingsRead.ts).
   */
  settings(): AppSettings {
    return readAppSettings(this.deps.settings.read(settingsKey), this.deps.dataDir);
  }

  /** Saves `changes` over the settings in force (an unreadable stored value: the defaults), replacing the row. */
  saveSettings(changes: Partial<Omit<AppSettings, 'warning'>>): AppSettings {
    const { provider, cpuThreads } = { ...this.settings(), ...changes };
    const next: AppSettings = { provider, cpuThreads };
    this.deps.settings.set(settingsKey, next);
    this.deps.events?.emit('system.settingsChanged', next);
    return next;
  }

  /**
   * The port `spanfill serve` last listened on for this data directory, if any: serving on it
   * again keeps the page's origin, under which the browser keeps the theme and the chart views.
   */
  servedPort(): { readonly port?: number; readonly warning?: string } {
    return readServedPort(this.deps.settings.read(servedPortKey), this.deps.dataDir);
  }

  keepServedPort(port: number): void {
    this.deps.settings.set(servedPortKey, port);
  }
}

export function systemHandlers(services: { readonly system: SystemService }): DomainHandlers<'system'> {
  return {
    'system.info': (args) => services.system.info(args),
    'system.dataDir': async () => services.system.dataDir(),
    'system.ping': async ({ message }) => ({ message, receivedAt: new Date().toISOString() }),
    'system.settings': async () => services.system.settings(),
    'system.saveSettings': async (changes) => services.system.saveSettings(changes),
  };
}
