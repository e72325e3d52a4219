// A progress's live region says its start, each quarter once, and its end when all is done:
// a handful of lines however many chunks the work moves in.

import { describe, expect, it } from 'vitest';
import {
  announceProgress,
  quartersDone,
  type Progress,
  type Said,
} from '../../../../src/renderer/src/lib/progressAnnouncement';

const upload = (done: number, total: number | null = 100): Progress => ({ what: 'Uploading big.txt', done, total });

/** Every text the region shows as the progresses come in turn (undefined: none now). */
function spoken(progresses: readonly (Progress | undefined)[]): string[] {
  let said: Said | undefined;
  const texts: string[] = [];
  for (const now of progresses) {
    const next = announceProgress(said, now);
    said = next.said;
    if (next.text !== undefined) texts.push(next.text);
  }
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
    expect(spoken([upload(0), upload(10), undefined, undefined, upload(0)])).toEqual([
      'Uploading big.txt…',
      '',
      'Uploading big.txt…',
    ]);
  });

  it('says the start of the next work when one follows another (an import after its upload)', () => {
    const importing: Progress = { what: 'Importing', done: 0, total: 10 };
    expect(spoken([upload(100), importing, { ...importing, done: 10 }])).toEqual([
      'Uploading big.txt…',
      'Importing…',
      'Importing: done.',
    ]);
  });
});
