// A progress's live region says its start, each quarter once, and its end when all is done:
// a handful of lines however many chunks the work moves in; work done within a second, nothing.

import { describe, expect, it } from 'vitest';
import {
  announceProgress,
  QUIET_MS,
  quartersDone,
  type Progress,
  type Said,
} from '../../../../src/renderer/src/lib/progressAnnouncement';

const upload = (done: number, total: number | null = 100): Progress => ({ what: 'Uploading big.txt', done, total });

/**
 * Every text the region shows as the progresses come in turn (undefined: none now), each at its
 * time in ms (by default one a second after the first, past the quiet time of each work); a
 * wake-up the region asks for is taken where it falls before the next progress.
 */
function spoken(progresses: readonly (Progress | undefined)[], times?: readonly number[]): string[] {
  let said: Said | undefined;
  const texts: string[] = [];
  const take = (now: Progress | undefined, at: number): number | undefined => {
    const next = announceProgress(said, now, at);
    said = next.said;
    if (next.text !== undefined) texts.push(next.text);
    return next.wakeInMs === undefined ? undefined : at + next.wakeInMs;
  };
  let wake: number | undefined;
  progresses.forEach((now, index) => {
    const at = times?.[index] ?? index * 1000;
    if (wake !== undefined && wake <= at && index > 0) take(progresses[index - 1], wake);
    wake = take(now, at);
  });
  return texts;
}

describe('quartersDone', () => {
  it('counts whole quarters, 4 when all is done, 0 without a total', () => {
    expect([0, 24, 25, 49, 50, 99, 100, 120].map((done) => quartersDone(upload(done)))).toEqual([
      0, 0, 1, 1, 2, 3, 4, 4,
    ]);
    expect(quartersDone(upload(5, null))).toBe(0);
    expect(quartersDone(upload(5, 0))).toBe(0);
  });
});

describe('announceProgress', () => {
  it('says a 16 MiB upload in 1 MiB chunks as its start, three quarters and its end', () => {
    const mib = 1024 * 1024;
    const chunks = Array.from({ length: 18 }, (_, i) => upload(Math.min(i * mib, 16.3 * mib), 16.3 * mib));
    expect(spoken(chunks)).toEqual([
      'Uploading big.txt…',
      'Uploading big.txt: 25 %.',
      'Uploading big.txt: 50 %.',
      'Uploading big.txt: 75 %.',
      'Uploading big.txt: done.',
    ]);
  });

  it('says a quarter once, though the total grows and the share falls back', () => {
    const download = (done: number, total: number): Progress => ({ what: 'Downloading t5', done, total });
    expect(
      spoken([download(0, 100), download(30, 100), download(30, 200), download(55, 200), download(60, 100)]),
    ).toEqual(['Downloading t5…', 'Downloading t5: 25 %.', 'Downloading t5: 50 %.']);
  });

  it('says only the start while the total is unknown', () => {
    expect(spoken([upload(0, null), upload(10, null), upload(5000, null)])).toEqual(['Uploading big.txt…']);
  });

  it('clears the region when the work goes, so the same work started again is heard again', () => {
    expect(spoken([upload(0), upload(10), undefined, undefined, upload(0), upload(5)])).toEqual([
      'Uploading big.txt…',
      '',
      'Uploading big.txt…',
    ]);
  });

  it('says the start of the next work when one follows another (an import after its upload)', () => {
    const importing: Progress = { what: 'Importing', done: 0, total: 10 };
    expect(spoken([upload(0), upload(100), importing, { ...importing, done: 10 }])).toEqual([
      'Uploading big.txt…',
      'Uploading big.txt: done.',
      'Importing…',
      'Importing: done.',
    ]);
  });

  it('says nothing of work done within its quiet second, the screen saying what it did', () => {
    const importing: Progress = { what: 'Importing', done: 0, total: 10 };
    // A small file: uploaded and imported in 100 ms, five steps.
    expect(
      spoken([upload(0), upload(100), importing, { ...importing, done: 10 }, undefined], [0, 20, 40, 90, 100]),
    ).toEqual([]);
  });

  it('says work that goes on past its quiet second from then, its quarters passed meanwhile not said', () => {
    const late = QUIET_MS + 1;
    // (the second ends between the 25 % at 500 ms and the 50 % just after it)
    expect(spoken([upload(0), upload(30), upload(60), upload(100)], [0, 500, late, late + 10])).toEqual([
      'Uploading big.txt…',
      'Uploading big.txt: 50 %.',
      'Uploading big.txt: done.',
    ]);
    // No progress for a while after the start: the wake-up says it.
    expect(spoken([upload(0), upload(80)], [0, 5000])).toEqual(['Uploading big.txt…', 'Uploading big.txt: 75 %.']);
  });

  it('says a quick upload nothing, and the slow import after it', () => {
    const importing: Progress = { what: 'Importing', done: 0, total: 10 };
    expect(spoken([upload(0), upload(100), importing, { ...importing, done: 10 }], [0, 50, 60, 3000])).toEqual([
      'Importing…',
      'Importing: done.',
    ]);
  });
});
