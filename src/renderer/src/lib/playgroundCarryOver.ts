// The Playground's one-time carry-over of what versions before 2026-12-02 (commit 085bdf23) kept
// in the page's localStorage: the recent prompts (spanfill.playground.history, a JSON list, newest
// first) and the screen as it was left (spanfill.playground.session: prompt, selected, folders,
// addedCheckpoints; never the decoding options). The desktop app and a `spanfill serve` on a fixed
// --port keep that storage across updates; unread, the person would find the defaults. The old
// prompts go below the kept ones through playground.remember, the old screen through keepScreen
// only where none is kept, then the keys are removed; what is not valid is dropped quietly.

import type { z } from 'zod';
import {
  maxRememberedPromptChars,
  PLAYGROUND_DECODING_DEFAULTS,
  playgroundHistoryLimit,
  playgroundScreenSchema,
  type PlaygroundScreen,
} from '../../../shared/contract/playground';
import { errorMessage } from '../../../shared/errors';
import { plural } from '../../../shared/format';
import type { MemoryCalls, MemoryShown } from './playgroundMemory';

/** Where versions before 2026-12-02 kept them. */
export const OLD_HISTORY_KEY = 'spanfill.playground.history';
export const OLD_SCREEN_KEY = 'spanfill.playground.session';

/** The page's localStorage, as far as the carry-over uses it (a Map in the tests). */
export interface OldKeys {
  getItem(key: string): string | null;
  removeItem(key: string): void;
}

export interface CarryOverCalls {
  readonly playground: Pick<MemoryCalls['playground'], 'remember' | 'keepScreen'>;
}

export interface CarriedOver {
  /** The screen to open: the one kept in the data directory, else the old one brought over, else null. */
  readonly screen: PlaygroundScreen | null;
  /** What was brought over, in a sentence for the screen's notice; absent when nothing was. */
  readonly notice?: string;
}

function parsed(raw: string | null): unknown {
  try {
    return JSON.parse(raw ?? 'null');
  } catch {
    return null;
  }
}

/** The old recent prompts the history would keep, newest first, once each, at most its limit. */
export function oldHistory(raw: string | null): string[] {
  const saved = parsed(raw);
  if (!Array.isArray(saved)) return [];
  const prompts = saved.filter(
    (p): p is string => typeof p === 'string' && p.trim() !== '' && p.length <= maxRememberedPromptChars,
  );
  return [...new Set(prompts)].slice(0, playgroundHistoryLimit);
}

const screenFields = playgroundScreenSchema.shape;

/**
 * The items of `value` that `item` takes. NOTE: a list longer than the screen takes (64
 * columns) leaves the whole screen out, as the data directory's read-back does.
 */
const validItems = <T>(value: unknown, item: z.ZodType<T>): T[] =>
  Array.isArray(value)
    ? value.flatMap((v) => {
        const checked = item.safeParse(v);
        return checked.success ? [checked.data] : [];
      })
    : [];

/** The old screen as the data directory keeps one (the default decoding options), or null when it is none. */
export function oldScreen(raw: string | null): PlaygroundScreen | null {
  const saved = parsed(raw);
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return null;
  const s = saved as Record<string, unknown>;
  const screen = playgroundScreenSchema.safeParse({
    prompt: s.prompt,
    selected: validItems(s.selected, screenFields.selected.element),
    folders: validItems(s.folders, screenFields.folders.element),
    addedCheckpoints: validItems(s.addedCheckpoints, screenFields.addedCheckpoints.element),
    decoding: { ...PLAYGROUND_DECODING_DEFAULTS },
  });
  return screen.success ? screen.data : null;
}

/** The history with the old prompts below the kept ones (newest first), or null when they change nothing. */
export function mergedHistory(kept: readonly string[], old: readonly string[]): string[] | null {
  const merged = [...new Set([...kept, ...old])].slice(0, playgroundHistoryLimit);
  return merged.length === kept.length ? null : merged;
}

/**
 * Brings the old keys' values into the data directory (once: the keys are removed after) and
 * shows the history so made in `shown`. `kept`: the screen the data directory keeps, never
 * replaced. A write that fails is said in `shown.memoryError` and leaves the keys for next time.
 */
export async function carryOver(
  storage: OldKeys,
  calls: CarryOverCalls,
  shown: MemoryShown,
  kept: PlaygroundScreen | null,
): Promise<CarriedOver> {
  const [rawHistory, rawScreen] = [storage.getItem(OLD_HISTORY_KEY), storage.getItem(OLD_SCREEN_KEY)];
  if (rawHistory === null && rawScreen === null) return { screen: kept };
  const screen = kept === null ? oldScreen(rawScreen) : null;
  const merged = mergedHistory(shown.history, oldHistory(rawHistory));
  const added = merged === null ? 0 : merged.length - shown.history.length;
  try {
    if (screen !== null) await calls.playground.keepScreen({ screen });
    // Oldest first: each goes to the top, so the kept ones, last, end above the old ones again.
    for (const prompt of [...(merged ?? [])].reverse())
      shown.history = (await calls.playground.remember({ prompt })).history;
  } catch (caught) {
    shown.memoryError = `Could not bring over the Playground's prompt and recent prompts kept in this browser by an earlier version of Spanfill: ${errorMessage(caught)}. They are tried again when the Playground next opens.`;
    return { screen: kept };
  }
  storage.removeItem(OLD_HISTORY_KEY);
  storage.removeItem(OLD_SCREEN_KEY);
  const brought = [
    ...(screen === null ? [] : ['prompt and columns as they were left']),
    ...(added === 0 ? [] : [plural(added, 'recent prompt')]),
  ];
  if (brought.length === 0) return { screen: kept };
  return {
    screen: kept ?? screen,
    notice: `Brought over the Playground's ${brought.join(' and ')}, kept in this browser by an earlier version of Spanfill.`,
  };
}
