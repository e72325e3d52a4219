// Frames of the browser-mode WebSocket (`spanfill serve`): the renderer sends calls, the
// server answers each with an envelope under the same id and pushes events unprompted.
// JSON text frames only.

import type { Envelope } from './errors';
import type { EventName } from './events';

export const wsPath = '/ws';

export interface WsCallFrame {
  readonly id: number;
  readonly call: string;
  readonly args: unknown;
}

export type WsServerFrame =
  | { readonly kind: 'response'; readonly id: number | null; readonly response: Envelope<unknown> }
  | { readonly kind: 'event'; readonly event: EventName; readonly payload: unknown };
