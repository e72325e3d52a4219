// onnxruntime's own telemetry, kept off. Since 1.29, onnxruntime on Linux and macOS records
// usage events (graph names, execution providers, OS, CPU model, memory, run counts and times),
// keeps a device id and a queue of events in Microsoft/DeveloperTools/.onnxruntime (under
// ~/.cache on Linux, ~/Library/Application Support on macOS) and an empty
// mat-debug-<pid>.log in the temporary directory, and sends the events to Microsoft: with
// onnxruntime-node 1.30 here, a process that opened one session left all three. Spanfill
// fine-tunes on a person's own text and sends nothing itself, so every process that opens a
// session sets ORT_DISABLE_TELEMETRY=1 first; onnxruntime reads it once, when its environment
// is created with the first session, and then writes none of those files and sends nothing.
// A value the person set already is left alone.
// Reference: microsoft/onnxruntime #27379 (POSIX telemetry, the variable) and #29843.

import type { OrtTelemetry } from '../../../shared/contract/system';

export const ORT_TELEMETRY_VARIABLE = 'ORT_DISABLE_TELEMETRY';

/**
 * The values onnxruntime 1.30 takes as "off", as tried here: 1, true, yes, on, y in any case
 * (0, 2, n and false leave it on).
 */
const OFF_VALUES = /^(1|true|yes|on|y)$/i;

/** What `env` says of onnxruntime's telemetry (read-only). */
export function ortTelemetryState(env: NodeJS.ProcessEnv = process.env): OrtTelemetry {
  const value = env[ORT_TELEMETRY_VARIABLE];
  return { off: value !== undefined && OFF_VALUES.test(value.trim()), variable: value ?? null };
}

/**
 * Sets ORT_DISABLE_TELEMETRY=1 in `env` unless it is set already; call before onnxruntime's
 * first session in the process (later calls change nothing onnxruntime has read).
 */
export function keepOrtTelemetryOff(env: NodeJS.ProcessEnv = process.env): void {
  if (env[ORT_TELEMETRY_VARIABLE] === undefined) env[ORT_TELEMETRY_VARIABLE] = '1';
}
