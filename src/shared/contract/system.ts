// System domain: what this installation is and what it can run on. Backs `spanfill system`
// and the System panel in Settings.

import { z } from 'zod';
import { call } from './define';

export interface ProviderStatus {
  /** Execution provider name as onnxruntime spells it: cpu, webgpu, cuda, dml. */
  readonly name: string;
  readonly available: boolean;
  /** Why it is not available (or a note on how it was checked). */
  readonly reason?: string;
}

export interface SystemInfo {
  readonly appVersion: string;
  readonly dataDir: string;
  readonly schemaVersion: number;
  readonly ortVersion: string;
  readonly providers: readonly ProviderStatus[];
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

export const systemCalls = {
  /** Versions, data directory and execution providers; `refresh` re-probes providers. */
  info: call<SystemInfo>()(z.strictObject({ refresh: z.boolean().optional() })),
  /** Round trip used by transports and tests to check the wire. */
  ping: call<PingResult>()(z.strictObject({ message: z.string().max(10_000) })),
};
