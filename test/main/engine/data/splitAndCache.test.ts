import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashDocument } from '../../../../src/main/engine/data/documents';
import { readSplitFile, splitDocuments, writeSplitFile } from '../../../../src/main/engine/data/split';
import {
  openTokenCache,
  removeStaleTokenCacheTemps,
  TOKEN_CACHE_VERSION,
  tokenCacheFingerprint,
  writeTokenCache,
} from '../../../../src/main/engine/data/tokenCache';
import { createByteTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { keptOfThisProcess, namesOfThisProcess } from '../../../support/processRecords';

const docs = (n: number): { index: number; splitKey: number }[] =>
  Array.from({ length: n }, (_, i) => ({ index: i, splitKey: hashDocument(`document ${i}`).splitKey }));

describe('train/validation split', () => {
  it('holds out about 5% by hash, the same way every time', () => {
    const a = splitDocuments(docs(4000));
    expect(a.validationCount).toBeGreaterThan(150);
    expect(a.validationCount).toBeLessThan(250);
    expect(splitDocuments(docs(4000)).validation).toEqual(a.validation);
    // Adding documents does not move existing ones.
    const b = splitDocuments(docs(5000));
    expect(b.validation.filter((i) => i < 4000)).toEqual(a.validation);
  });
  it('two documents: one validates, one trains', () => {
    const s = splitDocuments(docs(2));
    expect([s.trainCount, s.validationCount, s.isSelfValidation]).toEqual([1, 1, false]);
    expect(s.message).toBe('No document fell in the 5% validation share; holding out one document');
    const all = splitDocuments([
      { index: 0, splitKey: 0.01 },
      { index: 1, splitKey: 0.02 },
    ]);
    expect(all.validation).toEqual([0]);
    expect(all.message).toBe('Every document fell in the validation share; keeping one for training');
  });
  it('one document validates on itself and says so', () => {
    const s = splitDocuments(docs(1));
    expect(s).toMatchObject({ validation: [0], trainCount: 1, validationCount: 1, isSelfValidation: true });
    expect(s.message).toContain('Only one document');
    expect(() => splitDocuments(docs(3), 0.9)).toThrow('Validation fraction must be in (0, 0.5], got 0.9');
  });
});

describe('split file', () => {
  it('round-trips and refuses what it did not write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-split-'));
    try {
      const path = join(dir, 'validation.split');
      writeSplitFile(path, { validation: [2, 7, 40_000], isSelfValidation: false });
      expect(readSplitFile(path)).toEqual({ validation: [2, 7, 40_000], isSelfValidation: false });
      writeSplitFile(path, { validation: [0], isSelfValidation: true });
      expect(readSplitFile(path)).toEqual({ validation: [0], isSelfValidation: true });
      writeFileSync(path, 'not a split file at all');
      expect(readSplitFile(path)).toBeNull();
      expect(readSplitFile(join(dir, 'missing'))).toBeNull();
      expect(readdirSync(dir)).toEqual(['validation.split']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('token cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanfill-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tok = createByteTokenizer();
  const fp = tokenCacheFingerprint('dataset-hash-1', tok.fingerprint);
  const texts = ['hello', '', 'wörld </s>', 'x'.repeat(10_000)];

  it('round-trips ids per document', async () => {
    const path = join(dir, 'a.tokens');
    const result = await writeTokenCache(path, fp, tok, texts);
    expect(result).toEqual({
      documents: 4,
      tokens: 5 + 0 + 11 + 10_000,
      droppedSpecialTokens: 0,
      unknownTokens: null, // bytes have no <unk>
    });
    const opened = openTokenCache(path, fp);
    if (opened.status !== 'ok') throw new Error(JSON.stringify(opened));
    const cache = opened.cache;
    expect(cache.documentCount).toBe(4);
    expect(Array.from(cache.readTokens(0, 0, 5))).toEqual(tok.encode('hello'));
    expect(cache.documentLength(1)).toBe(0);
    expect(Array.from(cache.readTokens(2, 0, 100))).toEqual(tok.encode('wörld </s>'));
    expect(Array.from(cache.readTokens(3, 9998, 10_005))).toEqual([123, 123]);
    cache.close();
  });

  it('a different dataset or tokenizer, another version, or damage: stale with a reason', async () => {
    const path = join(dir, 'b.tokens');
    await writeTokenCache(path, fp, tok, texts);
    expect(openTokenCache(path, tokenCacheFingerprint('dataset-hash-2', tok.fingerprint))).toEqual({
      status: 'stale',
      reason: `${path} was made for another dataset or tokenizer; it will be rebuilt`,
    });
    const bytes = readFileSync(path);
    const v99 = Buffer.from(bytes);
    v99.writeUInt32LE(99, 8);
    writeFileSync(join(dir, 'v99.tokens'), v99);
    expect(openTokenCache(join(dir, 'v99.tokens'), fp)).toMatchObject({
      reason: expect.stringContaining(`is token cache version 99, this build reads version ${TOKEN_CACHE_VERSION}`),
    });
    writeFileSync(join(dir, 'cut.tokens'), bytes.subarray(0, bytes.length - 3));
    expect(openTokenCache(join(dir, 'cut.tokens'), fp)).toMatchObject({
      reason: expect.stringContaining('is truncated or damaged'),
    });
    writeFileSync(
      join(dir, 'junk.tokens'),
      'not a cache at all, just some text that is long enough to have a header'.repeat(3),
    );
    expect(openTokenCache(join(dir, 'junk.tokens'), fp)).toMatchObject({
      reason: expect.stringContaining('bad magic number'),
    });
    expect(openTokenCache(join(dir, 'none.tokens'), fp)).toEqual({ status: 'missing' });
  });

  it('temp files of writers whose process is gone are removed; a live one is kept', () => {
    const sub = mkdtempSync(join(dir, 'temps-'));
    // Named `*.tokens.tmp-PID-TIME`: the writer's pid, and when it began writing (it ran then).
    const dead = `a.tokens.tmp-${2 ** 22 + 4321}-${Date.now()}`;
    const live = `a.tokens.tmp-${process.pid}-${Date.now()}`;
    // This process's pid, written before this machine booted: its writer is gone, the pid reused.
    const bootedAt = Date.now() - uptime() * 1000;
    const beforeBoot = `b.tokens.tmp-${process.pid}-${Math.round(bootedAt - 3_600_000)}`;
    for (const name of [dead, live, beforeBoot, 'a.tokens', 'validation.split']) writeFileSync(join(sub, name), 'x');
    expect(removeStaleTokenCacheTemps(sub)).toBe(2);
    expect(readdirSync(sub).sort()).toEqual(['a.tokens', live, 'validation.split'].sort());
    expect(removeStaleTokenCacheTemps(join(sub, 'missing'))).toBe(0);
  });

  it("temp files are told by their writer's boot id and start ticks (Linux), whatever the wall clock did", () => {
    const sub = mkdtempSync(join(dir, 'temps-'));
    const names = namesOfThisProcess();
    for (const [key, name] of Object.entries(names)) writeFileSync(join(sub, `${key}.tokens.tmp-${name}`), 'x');
    expect(removeStaleTokenCacheTemps(sub)).toBe(1);
    const kept = keptOfThisProcess();
    expect(readdirSync(sub)).toEqual([`${kept}.tokens.tmp-${names[kept]}`]);
  });

  it('cancelling leaves nothing half-written and keeps the old cache', async () => {
    const sub = mkdtempSync(join(dir, 'cancel-'));
    const path = join(sub, 'c.tokens');
    await writeTokenCache(path, fp, tok, ['old']);
    const before = readFileSync(path);
    const controller = new AbortController();
    async function* slow(): AsyncGenerator<string> {
      for (let i = 0; i < 1000; i++) {
        if (i === 10) controller.abort();
        yield `document ${i}`;
      }
    }
    await expect(writeTokenCache(path, fp, tok, slow(), { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(readdirSync(sub)).toEqual(['c.tokens']);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
});
