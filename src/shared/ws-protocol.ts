// Frames of the browser-mode WebSocket (`spanfill serve`): the renderer sends calls, the
// server answers each with an envelope under the same id and pushes events unprompted.
// JSON text frames only; the server's carry NaN and ±Infinity marked (encodeServerFrame), and
// the page reads them with decodeServerFrame.

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

// Numbers JSON cannot hold (NaN, Infinity, -Infinity: a diverged loss, a metric) cross serve's
// frames as {"$number": "NaN"} and are read back as numbers on the page, so that it gets what the
// services sent, as over the desktop app's IPC (a structured clone): JSON.stringify would make
// them null where the contract promises a number. An object of that one key of its own is sent
// as {"$number": [its value]}, so no value reads back as another.

/** The key that marks a number JSON cannot hold, or an object of that one key (its value in a list). */
const NUMBER_KEY = '$number';
const NUMBER_NAMES: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
/** Deeper than this the sender does not look, and writes the frame the slower way that marks all. */
const MAX_LOOK_DEPTH = 256;

/** Whether `value` is an object of the one key NUMBER_KEY (asked of every object sent, so the cheap test first). */
const isMarkerShaped = (value: object): boolean =>
  Object.prototype.hasOwnProperty.call(value, NUMBER_KEY) && !Array.isArray(value) && Object.keys(value).length === 1;

/** Whether `value` holds a number JSON cannot hold, or an object of the marker's shape. */
function needsMarking(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_LOOK_DEPTH) return true;
  // Index loops, no callbacks: this runs before every frame is sent.
  if (Array.isArray(value)) {
    for (let at = 0; at < value.length; at++) if (needsMarking(value[at], depth + 1)) return true;
    return false;
  }
  if (isMarkerShaped(value)) return true;
  const fields = Object.values(value);
  for (let at = 0; at < fields.length; at++) if (needsMarking(fields[at], depth + 1)) return true;
  return false;
}

function marking(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { [NUMBER_KEY]: String(value) };
  if (typeof value === 'object' && value !== null && isMarkerShaped(value))
    return { [NUMBER_KEY]: [(value as Record<string, unknown>)[NUMBER_KEY]] };
  return value;
}

function unmarking(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !isMarkerShaped(value)) return value;
  const marked = (value as Record<string, unknown>)[NUMBER_KEY];
  if (typeof marked === 'string' && marked in NUMBER_NAMES) return NUMBER_NAMES[marked];
  if (Array.isArray(marked) && marked.length === 1) return { [NUMBER_KEY]: marked[0] as unknown };
  return value;
}

/** The text of a frame the server sends: JSON, with NaN and ±Infinity marked. */
export function encodeServerFrame(frame: WsServerFrame): string {
  // Most frames hold none: a look through them costs a fraction of JSON.stringify with a replacer.
  return needsMarking(frame, 0) ? JSON.stringify(frame, marking) : JSON.stringify(frame);
}

/** A frame the page receives, its marked numbers read back. */
export function decodeServerFrame(text: string): WsServerFrame {
  // The key written as JSON: absent from the text (a string holding it has its quotes escaped), nothing to read back.
  return (text.includes(`"${NUMBER_KEY}"`) ? JSON.parse(text, unmarking) : JSON.parse(text)) as WsServerFrame;
}
