// onnxruntime's own telemetry, kept off. Since 1.29, onnxruntime on Linux and macOS records
// usage events (graph names, execution providers, OS, CPU model, memory, run counts and times),
// keeps a device id and a queue of events in Microsoft/DeveloperTools/.onnxruntime (under
// ~/.cache on Linux, ~/Library/Application Support on macOS) and an empty
// mat-debug-<pid>.log in the temporary directory, and sends the events to Microsoft: with
// onnxruntime-node 1.30 here, a process that opened one session left all three. Spanfill
// fine-tunes on a person's own text and sends nothing itself, so every process that opens a
// session sets ORT_DISABLE_TELEMETRY=1 first; onnxruntime reads it once, when its environment
// is created with the first session, and then writes none of those files and sends nothing.
// A value the person set already is left alone; one set but empty is taken as unset (most often
// an unset shell variable, `ORT_DISABLE_TELEMETRY=$X`), as an empty SPANFILL_DATA_DIR is refused.
// Reference: microsoft/onnxruntime #27379 (POSIX telemetry, the variable) and #29843.

import type { OrtTelemetry } from '../../../shared/contract/system';

export const ORT_TELEMETRY_VARIABLE = 'ORT_DISABLE_TELEMETRY';

/**
 * The values onnxruntime 1.30 takes as "off", as tried here: 1, true, yes, on, y in any case
 * (0, 2, n and false leave it on).
 */
const OFF_VALUES = /^(1|true|yes|on|y)$/i;

/**
 * The variables by which onnxruntime 1.30 takes itself to run on a CI service (or in its own
 * unit tests) and then keeps telemetry off whatever ORT_DISABLE_TELEMETRY says; any value but
 * empty, 0, false, no or off counts. Reference: microsoft/onnxruntime
 * core/platform/telemetry_environment.h (IsRunningInCI); CI=true tried with the 1.30 binary.
 */
const ORT_CI_VARIABLES = [
  'CI',
  'TF_BUILD',
  'GITHUB_ACTIONS',
  'GITLAB_CI',
  'CIRCLECI',
  'TRAVIS',
  'JENKINS_URL',
  'CODEBUILD_BUILD_ID',
  'BUILDKITE',
  'TEAMCITY_VERSION',
  'APPVEYOR',
  'BITBUCKET_BUILD_NUMBER',
  'SYSTEM_TEAMFOUNDATIONCOLLECTIONURI',
  'ORT_RUNNING_UNIT_TESTS',
] as const;

const NOT_CI_VALUES = /^(|0|false|no|off)$/i;

/** The first CI variable of `env` that keeps onnxruntime silent, as `NAME=value`. */
function ciVariable(env: NodeJS.ProcessEnv): string | undefined {
  const name = ORT_CI_VARIABLES.find((n) => env[n] !== undefined && !NOT_CI_VALUES.test(env[n].trim()));
  return name && `${name}=${env[name]}`;
}

/** What `env` says of onnxruntime's telemetry (read-only). */
export function ortTelemetryState(env: NodeJS.ProcessEnv = process.env): OrtTelemetry {
  const value = env[ORT_TELEMETRY_VARIABLE];
  const state = { off: value !== undefined && OFF_VALUES.test(value.trim()), variable: value ?? null };
  const ci = state.off ? undefined : ciVariable(env);
  return ci ? { off: true, variable: state.variable, ci } : state;
}

/**
 * Sets ORT_DISABLE_TELEMETRY=1 in `env` unless it is set already to something other than blanks
 * (which onnxruntime would take as on); call before onnxruntime's first session in the process
 * (later calls change nothing onnxruntime has read).
 */
export function keepOrtTelemetryOff(env: NodeJS.ProcessEnv = process.env): void {
  if ((env[ORT_TELEMETRY_VARIABLE] ?? '').trim() === '') env[ORT_TELEMETRY_VARIABLE] = '1';
}
