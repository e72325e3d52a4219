// Holds back, or drops, the server's replies to one contract call on a page's WebSocket, to
// look at the page while that call is out (or when its answer never comes); or holds the calls
// themselves on their way to the server, so that what the server answers is read only once
// they go on (after something done meanwhile). Every other frame passes through as it is
// (Playwright's routeWebSocket connected to the real `spanfill serve`).

import type { Page } from 'playwright-core';
import { wsPath } from '../../src/shared/ws-protocol';

export interface HeldReply {
  /** Sends the held replies on (now, or as soon as they arrive) and stops holding. */
  release(): void;
  /** How many calls of its kind the page has made so far. */
  calls(): number;
  /** Whether the reply to the `index`-th call of its kind has been passed on to the page. */
  isAnswered(index: number): boolean;
}

/** What becomes of the reply to a call: passed on, held until release(), or never sent. */
export type ReplyFate = 'pass' | 'hold' | 'drop';

/**
 * Routes the page's socket; the reply to the `index`-th `call` frame named `call` (0 the first)
 * with `args` meets `fateOf(index, args)`. After release() every reply passes but those fated to drop.
 */
export async function routeReplies(
  page: Page,
  call: string,
  fateOf: (index: number, args: unknown) => ReplyFate,
): Promise<HeldReply> {
  const fates = new Map<number, ReplyFate>();
  const indexes = new Map<number, number>();
  const answered = new Set<number>();
  let calls = 0;
  let isReleased = false;
  const held: (() => void)[] = [];
  await routeFrames(page, {
    up(frame, send) {
      if (frame.call === call && frame.id !== undefined) {
        indexes.set(frame.id, calls);
        fates.set(frame.id, fateOf(calls++, frame.args));
      }
      send();
    },
    down(frame, send) {
      const fate = frame.id === undefined ? 'pass' : (fates.get(frame.id) ?? 'pass');
      if (fate === 'drop') return;
      const reply = () => {
        if (frame.id !== undefined && indexes.has(frame.id)) answered.add(indexes.get(frame.id) as number);
        send();
      };
      if (fate === 'pass' || isReleased) return reply();
      held.push(reply);
    },
  });
  return {
    release() {
      isReleased = true;
      for (const send of held.splice(0)) send();
    },
    calls: () => calls,
    isAnswered: (index) => answered.has(index),
  };
}

/**
 * Holds the first reply to `call` until release() (or the first after `skip` such calls, for a
 * call the page makes again as it opens; or, with `skip` 'none', every reply to that call until
 * release, for a call an event may repeat).
 */
export function holdReply(page: Page, call: string, skip: number | 'none' = 0): Promise<HeldReply> {
  return routeReplies(page, call, (index) => (skip === 'none' || index === skip ? 'hold' : 'pass'));
}

export interface HeldCalls {
  /** From now on, holds the page's calls of its kind before the server has them. */
  hold(): void;
  /** Sends the held calls on (the server answers them now) and stops holding. */
  release(): void;
  /** How many calls of its kind are held now. */
  held(): number;
  /** How many replies to calls of its kind have been passed on to the page. */
  answered(): number;
}

/** Routes the page's socket (before it connects) to hold calls named `call` while hold() is on. */
export async function holdCalls(page: Page, call: string): Promise<HeldCalls> {
  const ids = new Set<number>();
  const held: (() => void)[] = [];
  let [isHolding, answered] = [false, 0];
  await routeFrames(page, {
    up(frame, send) {
      const isOfKind = frame.call === call && frame.id !== undefined;
      if (isOfKind) ids.add(frame.id as number);
      if (isOfKind && isHolding) held.push(send);
      else send();
    },
    down(frame, send) {
      if (frame.id !== undefined && ids.has(frame.id)) answered++;
      send();
    },
  });
  return {
    hold() {
      isHolding = true;
    },
    release() {
      isHolding = false;
      for (const send of held.splice(0)) send();
    },
    held: () => held.length,
    answered: () => answered,
  };
}

/** A frame as far as routing looks at it: a call's id and name, or a reply's id. */
interface Frame {
  readonly id?: number;
  readonly call?: string;
  readonly args?: unknown;
}

/**
 * Routes the page's socket (before it connects) to the real server: each frame the page sends
 * goes through `up`, each the server sends through `down`, which pass it on by calling `send`
 * (now, later, or never).
 */
async function routeFrames(
  page: Page,
  route: { up(frame: Frame, send: () => void): void; down(frame: Frame, send: () => void): void },
): Promise<void> {
  const read = (message: string | Buffer): Frame => (typeof message === 'string' ? (JSON.parse(message) as Frame) : {});
  await page.routeWebSocket(
    (url) => url.pathname === wsPath,
    (ws) => {
      const server = ws.connectToServer();
      ws.onMessage((message) => route.up(read(message), () => server.send(message)));
      server.onMessage((message) => route.down(read(message), () => ws.send(message)));
    },
  );
}
