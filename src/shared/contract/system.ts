// System domain: what this installation is and what it can run on, and the app's few stored
// settings (which execution provider and how many CPU threads new work starts with). Backs
// `spanfill system` and the Settings screen.

import { z } from 'zod';
import { call } from './define';

export interface ProviderStatus {
  /** Execution provider name as onnxruntime spells it: cpu, webgpu, cuda, dml. */
  readonly name: string;
  readonly available: boolean;
  /**
   * It loads, but on a software driver on the CPU (WebGPU on a Linux machine with no GPU found),
   * slower than cpu: 'auto' does not choose it; `reason` says why.
   */
  readonly isSoftware?: boolean;
  /** Why it is not available, or runs in software (or a note on how it was checked). */
  readonly reason?: string;
}

/**
 * onnxruntime's own usage telemetry (1.29+ on Linux and macOS), which Spanfill turns off by
 * setting ORT_DISABLE_TELEMETRY=1 in its processes unless that variable is set already
 * (engine/onnx/telemetry.ts).
 */
export interface OrtTelemetry {
  readonly off: boolean;
  /** ORT_DISABLE_TELEMETRY as the engine host has it; null when unset. */
  readonly variable: string | null;
  /**
   * Set only where the variable leaves telemetry on but a CI service's variable (as `CI=true`)
   * keeps onnxruntime silent all the same: that variable, as `NAME=value`.
   */
  readonly ci?: string;
}

/** The Telemetry line of `spanfill system` and the Settings screen. */
export function describeOrtTelemetry(telemetry: OrtTelemetry): string {
  const setting =
    telemetry.variable === null ? 'ORT_DISABLE_TELEMETRY unset' : `ORT_DISABLE_TELEMETRY=${telemetry.variable}`;
  if (telemetry.ci)
    return `onnxruntime's is off (${setting}, but ${telemetry.ci}: onnxruntime sends nothing on CI); Spanfill sends none`;
  return telemetry.off
    ? `onnxruntime's is off (${setting}); Spanfill sends none`
    : `onnxruntime's is on (${setting} in your environment): it may record usage and send it to Microsoft; unset the variable or set it to 1 to turn it off`;
}

/**
 * The data directory this Spanfill uses, and whether a command pasted into a shell must name it
 * (`--data-dir DIR`) to reach it: chosen by --data-dir or SPANFILL_DATA_DIR (the desktop app
 * otherwise uses the per-user one a plain `spanfill` reaches, store/data-dir.ts). The app ends
 * the `spanfill …` commands it shows with it then, as the CLI does (shared/commandText.ts).
 */
export interface DataDirInfo {
  readonly dataDir: string;
  readonly isDataDirChosen: boolean;
}

export interface SystemInfo extends DataDirInfo {
  readonly appVersion: string;
  readonly schemaVersion: number;
  /**
   * Set when this process's open migrated a database an older Spanfill wrote: what changed, and
   * the copy kept of it as it was (the way back to that version) or why none (store/schemaCopy.ts).
   */
  readonly databaseUpdate?: string;
  readonly ortVersion: string;
  readonly providers: readonly ProviderStatus[];
  /** As the engine host found it (absent when the host could not be asked). */
  readonly ortTelemetry?: OrtTelemetry;
  readonly cpuThreads: number;
  readonly platform: string;
  readonly arch: string;
  readonly nodeVersion: string;
  /** Set only when running inside Electron. */
  readonly electronVersion?: string;
  /** Set when the engine host could not be asked (the rest is still valid). */
  readonly probeError?: string;
}

export interface PingResult {
  readonly message: string;
  readonly receivedAt: string;
}

export const providerChoices = ['auto', 'cpu', 'cuda', 'webgpu', 'dml'] as const;

/** Settings kept in the store (the `settings` table), shared by every way of running Spanfill. */
export interface AppSettings {
  /** The execution provider new training runs start with; auto: the run preset's where it works here, else cpu (runs.ts defaultRunProvider). */
  readonly provider: (typeof providerChoices)[number];
  /** onnxruntime's intra-op threads on the CPU; 0: onnxruntime decides (one per core). */
  readonly cpuThreads: number;
  /**
   * Set only when what the store holds cannot be read (not JSON, or a value outside what a save
   * takes): says which, and that the defaults stand in for it until settings are saved again.
   * Never stored.
   */
  readonly warning?: string;
}

export const defaultAppSettings: AppSettings = { provider: 'auto', cpuThreads: 0 };

/** What a saved setting may hold: a save is checked against it, and a stored value read back too. */
export const appSettingsFields = {
  provider: z.enum(providerChoices),
  cpuThreads: z.number().int().min(0).max(1024),
};

export const systemCalls = {
  /** Versions, data directory and execution providers; `refresh` re-probes providers. */
  info: call<SystemInfo>()(z.strictObject({ refresh: z.boolean().optional() })),
  /** Round trip used by transports and tests to check the wire. */
  ping: call<PingResult>()(z.strictObject({ message: z.string().max(10_000) })),
  /** The stored settings, defaults filled in. */
  settings: call<AppSettings>()(z.strictObject({})),
  /** Changes the settings given, keeps the others; answers the settings now in force. */
  saveSettings: call<AppSettings>()(
    z.strictObject({
      provider: appSettingsFields.provider.optional(),
      cpuThreads: appSettingsFields.cpuThreads.optional(),
    }),
  ),
  /** The data directory and whether commands must name it, without probing (info has them too). */
  dataDir: call<DataDirInfo>()(z.strictObject({})),
};
