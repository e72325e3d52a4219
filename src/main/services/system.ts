// System service: versions, data directory, CPU threads and the onnxruntime execution
// providers that load here, and the stored app settings (provider, CPU threads). Provider
// probing runs in the engine host (see probeProviders). The runs service reads settings() for
// a new run's provider and threads when its request names none (resolveRunRequest).

import os from 'node:os';
import type { SystemInfo } from '../../shared/contract';
import { defaultAppSettings, providerChoices, type AppSettings } from '../../shared/contract/system';
import type { ProbeResult } from '../engine/onnx/probe';
import type { SettingsRepository } from '../store/settings';
import type { EngineHostManager } from './engine-host';
import type { EventBus } from './events';
import type { DomainHandlers } from './handler';
import { errorMessage } from '../../shared/errors';

export interface SystemServiceDeps {
  readonly appVersion: string;
  readonly dataDir: string;
  readonly schemaVersion: number;
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
      dataDir: this.deps.dataDir,
      schemaVersion: this.deps.schemaVersion,
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

  /** The CPU threads this machine runs at once (info's cpuThreads), without probing the providers. */
  cpuThreads(): number {
    return os.availableParallelism();
  }

  settings(): AppSettings {
    return narrowSettings(this.deps.settings.get(settingsKey));
  }

  saveSettings(changes: Partial<AppSettings>): AppSettings {
    const next = narrowSettings({ ...this.settings(), ...changes });
    this.deps.settings.set(settingsKey, next);
    this.deps.events?.emit('system.settingsChanged', next);
    return next;
  }

  /**
   * The port `spanfill serve` last listened on for this data directory, if any: serving on it
   * again keeps the page's origin, under which the browser keeps the theme and the chart views.
   */
  servedPort(): number | undefined {
    const port = this.deps.settings.get(servedPortKey);
    return typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65_535 ? port : undefined;
  }

  keepServedPort(port: number): void {
    this.deps.settings.set(servedPortKey, port);
  }
}

/** What the store holds, narrowed: a value that is not a known setting falls back to its default. */
function narrowSettings(stored: unknown): AppSettings {
  const raw = typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {};
  const provider = providerChoices.find((choice) => choice === raw.provider) ?? defaultAppSettings.provider;
  const threads = raw.cpuThreads;
  const cpuThreads =
    typeof threads === 'number' && Number.isInteger(threads) && threads >= 0 ? threads : defaultAppSettings.cpuThreads;
  return { provider, cpuThreads };
}

export function systemHandlers(services: { readonly system: SystemService }): DomainHandlers<'system'> {
  return {
    'system.info': (args) => services.system.info(args),
    'system.ping': async ({ message }) => ({ message, receivedAt: new Date().toISOString() }),
    'system.settings': async () => services.system.settings(),
    'system.saveSettings': async (changes) => services.system.saveSettings(changes),
  };
}
