// uploadUse.ts: an upload nothing uses (no chunk being written, no call reading it) is removed
// once idleMs has passed with it unused, and at once when the call that read it last ended after
// its page went; never while it is in use, never twice, never after it was forgotten (removed
// otherwise); and never at all when no idle time is given. The timers are the test's own. And
// which uploads a call reads: those its arguments name by a path inside them.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uploadsNamedIn, UploadUse, type Schedule } from '../../../src/main/server/uploadUse';

/** A schedule whose timers run when the test says: `due()` runs those set and not stopped. */
function manualSchedule(): { schedule: Schedule; due(): void; pending(): number[] } {
  const timers = new Set<{ run: () => void; ms: number }>();
  return {
    schedule: (run, ms) => {
      const timer = { run, ms };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    due() {
      const now = [...timers];
      timers.clear();
      for (const timer of now) timer.run();
    },
    pending: () => [...timers].map((timer) => timer.ms),
  };
}

function useOf(idleMs: number | undefined) {
  const removed: string[] = [];
  const clock = manualSchedule();
  const use = new UploadUse(idleMs, (id) => removed.push(id), clock.schedule);
  return { use, removed, clock };
}

describe('UploadUse', () => {
  it('removes an upload once it has gone unused for the idle time, not before', () => {
    const { use, removed, clock } = useOf(60_000);
    const end = use.begin('up-a');
    expect(clock.pending()).toEqual([]); // in use: nothing set
    end();
    expect(clock.pending()).toEqual([60_000]);
    expect(removed).toEqual([]);
    clock.due();
    expect(removed).toEqual(['up-a']);
  });

  it('keeps an upload while any use of it lasts, and a new use stops the removal set', () => {
    const { use, removed, clock } = useOf(60_000);
    const chunk = use.begin('up-b');
    const reading = use.begin('up-b');
    chunk();
    expect(clock.pending()).toEqual([]);
    reading();
    expect(clock.pending()).toEqual([60_000]);
    const next = use.begin('up-b'); // the next chunk, or the import's call
    expect(clock.pending()).toEqual([]);
    clock.due();
    expect(removed).toEqual([]);
    next();
    clock.due();
    expect(removed).toEqual(['up-b']);
  });

  it('removes at once an upload whose last use ended after its page went, never while another lasts', () => {
    const { use, removed, clock } = useOf(60_000);
    const reading = use.begin('up-c');
    const chunk = use.begin('up-c');
    reading(true);
    expect(removed).toEqual([]);
    chunk(true);
    expect(removed).toEqual(['up-c']);
    expect(clock.pending()).toEqual([]);
  });

  it('ends each use once, and removes nothing forgotten (removed otherwise) or twice', () => {
    const { use, removed, clock } = useOf(60_000);
    const first = use.begin('up-d');
    const second = use.begin('up-d');
    first();
    first(); // a second end of the same use does not end the other
    expect(clock.pending()).toEqual([]);
    use.forget('up-d');
    second(true);
    clock.due();
    expect(removed).toEqual([]);
    const again = use.begin('up-e');
    again();
    clock.due();
    clock.due();
    expect(removed).toEqual(['up-e']);
  });

  it('keeps every upload when no idle time is given, even one whose page went', () => {
    const { use, removed, clock } = useOf(undefined);
    use.begin('up-f')();
    use.begin('up-g')(true);
    expect(clock.pending()).toEqual([]);
    expect(removed).toEqual([]);
  });
});

describe('uploadsNamedIn', () => {
  const root = path.resolve('/data/uploads');
  const inside = (...parts: string[]): string => path.join(root, ...parts);

  it('names the uploads a call gives paths inside of, in a field or a list, each once', () => {
    const args = {
      paths: [inside('up-1', 'notes.txt'), inside('up-2', 'book', 'ch1.txt'), inside('up-1', 'more.txt')],
      name: inside('up-3'),
    };
    expect(uploadsNamedIn(args, root)).toEqual(['up-1', 'up-2', 'up-3']);
  });

  it('names none for paths elsewhere, the uploads folder itself, relative paths, other values or no fields', () => {
    const args = {
      paths: [path.resolve('/data/uploads-old/up-1/a.txt'), root, 'up-1/a.txt', 7, null],
      nested: { paths: [inside('up-4', 'a.txt')] }, // no call nests its paths deeper
      field: 'text',
    };
    expect(uploadsNamedIn(args, root)).toEqual([]);
    for (const none of [undefined, null, 'x', 3]) expect(uploadsNamedIn(none, root)).toEqual([]);
  });
});
