// The import bench's corpus: seeded (the same bytes every time), cut at exactly the size asked,
// paragraphs separated by blank lines, and Zipf-shaped — "the" leads, a few hundred words make
// up half the text, and the long tail keeps adding new words (what makes a per-word memo miss).
// A file it cannot write is a rejection, not a process ended by the stream's unheard error.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../../../../src/main/engine/data/benchCorpus';

const dir = mkdtempSync(join(tmpdir(), 'spanfill-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('generateCorpus', () => {
  it('writes exactly the size asked, the same bytes every time', async () => {
    await generateCorpus(join(dir, 'a.txt'), 1);
    await generateCorpus(join(dir, 'b.txt'), 1);
    const a = readFileSync(join(dir, 'a.txt'));
    expect(a.length).toBe(1048576);
    expect(a.equals(readFileSync(join(dir, 'b.txt')))).toBe(true);
  });

  it('is English-shaped: blank-line paragraphs, sentences, a Zipf word distribution', () => {
    const text = readFileSync(join(dir, 'a.txt'), 'utf8');
    const paragraphs = text.split('\n\n').filter((p) => p.length > 0);
    expect(paragraphs.length).toBeGreaterThan(1000);
    expect(paragraphs.slice(0, -1).every((p) => /^\S.*[.?!]$/.test(p))).toBe(true);
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    const counts = new Map<string, number>();
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    const ranked = [...counts.values()].sort((x, y) => y - x);
    expect([...counts].find(([, n]) => n === ranked[0])?.[0]).toBe('the');
    expect(ranked[0] / words.length).toBeGreaterThan(0.04);
    let cumulative = 0;
    const half = ranked.findIndex((n) => (cumulative += n) >= words.length / 2);
    expect(half).toBeGreaterThan(50);
    expect(half).toBeLessThan(2000);
    expect(counts.size).toBeGreaterThan(words.length / 10); // a long tail of rare words
  });

  it('rejects when the file cannot be opened, and when the disk is full', async () => {
    await expect(generateCorpus(join(dir, 'no', 'such', 'c.txt'), 1)).rejects.toThrow(/ENOENT/);
    if (existsSync('/dev/full')) await expect(generateCorpus('/dev/full', 1)).rejects.toThrow(/ENOSPC/);
  });
});
