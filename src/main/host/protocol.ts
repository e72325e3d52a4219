// Messages between main (or the CLI, or the server) and an engine host process. Requests
// are typed through the HostRequests interface: other modules add their own request types
// by declaration merging, without editing this file:
//
//   declare module '../host/protocol' {
//     interface HostRequests { 'train.start': { payload: TrainStart; result: TrainSummary } }
//   }

import type { ErrorInfo } from '../../shared/errors';
import type { ProbeResult } from '../engine/onnx/probe';

export interface HostRequests {
  /** Returns its payload; proves the wire works. */
  'host.echo': { payload: { value: unknown }; result: { value: unknown; pid: number } };
  /** Which onnxruntime execution providers load in this process. */
  'system.probeProviders': { payload: Record<string, never>; result: ProbeResult };
  /** Test-only (SPANFILL_HOST_TEST_HANDLERS=1): write to stderr, then exit with `exitCode`. */
  'host.crash': { payload: { exitCode: number; stderr: string }; result: never };
  /** Test-only: block the event loop forever, like a runaway synchronous ORT call. */
  'host.hang': { payload: Record<string, never>; result: never };
}

/** Events a host pushes to main while working (progress, metrics); extended like HostRequests. */
export interface HostEvents {
  'host.log': { level: 'info' | 'warn'; message: string };
}

export type HostRequestType = keyof HostRequests;
export type HostPayload<T extends HostRequestType> = HostRequests[T]['payload'];
export type HostResult<T extends HostRequestType> = HostRequests[T]['result'];
export type HostEventType = keyof HostEvents;

export type ToHostMessage =
  { kind: 'request'; id: number; type: string; payload: unknown } | { kind: 'cancel'; id: number };

export type FromHostMessage =
  | { kind: 'ready'; pid: number }
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ErrorInfo }
  | { kind: 'event'; type: string; payload: unknown };

export function isFromHostMessage(value: unknown): value is FromHostMessage {
  if (typeof value !== 'object' || value === null || !('kind' in value)) return false;
  switch (value.kind) {
    case 'ready':
      return 'pid' in value;
    case 'response':
      return 'id' in value && typeof value.id === 'number' && 'ok' in value;
    case 'event':
      return 'type' in value && typeof value.type === 'string';
    default:
      return false;
  }
}

export function isToHostMessage(value: unknown): value is ToHostMessage {
  if (typeof value !== 'object' || value === null || !('kind' in value) || !('id' in value)) return false;
  if (typeof value.id !== 'number') return false;
  return value.kind === 'cancel' || (value.kind === 'request' && 'type' in value && typeof value.type === 'string');
}
