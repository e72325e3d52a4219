// What the Playground keeps in this browser profile's localStorage, read back: the prompt
// history (the last prompts filled) and the screen as it was left — the prompt, the chosen
// columns, and the folders and checkpoints added as columns — so a reload, or the app started
// again, opens it as it was. NOTE: localStorage, not the store: a convenience of one person at
// one screen that nothing else reads. What is read back is checked field by field; anything
// else is dropped. (The store, playground.svelte.ts, reads and writes localStorage; this module
// only parses.)

import type { ModelChoice } from './modelChoices';

/** Where the store keeps them in localStorage. */
export const HISTORY_KEY = 'spanfill.playground.history';
export const SESSION_KEY = 'spanfill.playground.session';
export const HISTORY_LIMIT = 30;

export interface PlaygroundSession {
  readonly prompt: string;
  /** Keys of the chosen models, in column order. */
  readonly selected: readonly string[];
  readonly folders: readonly ModelChoice[];
  readonly addedCheckpoints: readonly ModelChoice[];
}

const SOURCES: readonly ModelChoice['source'][] = ['builtin', 'registered', 'folder', 'checkpoint'];

function isChoice(value: unknown): value is ModelChoice {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    ['key', 'label', 'detail', 'ref'].every((field) => typeof c[field] === 'string') &&
    SOURCES.includes(c.source as ModelChoice['source'])
  );
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

const choices = (value: unknown, source: ModelChoice['source']): ModelChoice[] =>
  Array.isArray(value) ? value.filter((c): c is ModelChoice => isChoice(c) && c.source === source) : [];

function parse(raw: string | null): unknown {
  try {
    return JSON.parse(raw ?? 'null');
  } catch {
    return null;
  }
}

/** The saved history, newest first (at most HISTORY_LIMIT prompts). */
export function parseHistory(raw: string | null): string[] {
  return strings(parse(raw)).slice(0, HISTORY_LIMIT);
}

/** The saved screen, or null when none was saved (or what was saved is not one). */
export function parseSession(raw: string | null): PlaygroundSession | null {
  const saved = parse(raw);
  if (typeof saved !== 'object' || saved === null) return null;
  const s = saved as Record<string, unknown>;
  if (typeof s.prompt !== 'string') return null;
  return {
    prompt: s.prompt,
    selected: strings(s.selected),
    folders: choices(s.folders, 'folder'),
    addedCheckpoints: choices(s.addedCheckpoints, 'checkpoint'),
  };
}
