// Token cache damage that keeps the file's length (so header and layout still agree) is found
// when the cache is opened: an id outside the vocabulary, any changed id (the header's checksum
// of the ids and offsets) or a broken offsets table makes it stale, to be rebuilt, never a
// cache that trains on wrong ids. The round trip and the other stale causes are in
// splitAndCache.test.ts.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openTokenCache,
  TOKEN_CACHE_VERSION,
  tokenCacheFingerprint,
  writeTokenCache,
} from '../../../../src/main/engine/data/tokenCache';
import { createByteTokenizer, type TextTokenizer } from '../../../../src/main/engine/data/tokenizer';

const HEADER_BYTES = 128;

describe('token cache damage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spanfill-cache-damage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tok = createByteTokenizer(); // 384 ids, 2 bytes each
  const fp = tokenCacheFingerprint('dataset-hash-1', tok.fingerprint);
  const texts = ['hello there', 'x'.repeat(3000), 'the last one'];

  /** A fresh cache, then `damage` applied to its bytes in place (the length kept). */
  async function damaged(name: string, damage: (bytes: Buffer) => void): Promise<string> {
    const path = join(dir, `${name}.tokens`);
    await writeTokenCache(path, fp, tok, texts);
    const bytes = readFileSync(path);
    damage(bytes);
    writeFileSync(path, bytes);
    return path;
  }

  it('an undamaged cache opens, and its version is the one that carries a checksum', async () => {
    const path = await damaged('fine', () => {});
    const opened = openTokenCache(path, fp);
    if (opened.status !== 'ok') throw new Error(JSON.stringify(opened));
    expect(Array.from(opened.cache.readTokens(2, 0, 100))).toEqual(tok.encode('the last one'));
    opened.cache.close();
    expect(TOKEN_CACHE_VERSION).toBe(2);
  });

  it('ids outside the vocabulary (the Gather error the trainer would raise): stale, saying which', async () => {
    const path = await damaged('overwritten', (b) => b.fill(0xff, 200, 200 + 4000));
    expect(openTokenCache(path, fp)).toEqual({
      status: 'stale',
      reason: `${path} is damaged: token id 65535 (token 36) is outside the tokenizer's 384 ids; it will be rebuilt`,
    });
  });

  it('an id changed within the vocabulary: the checksum says so', async () => {
    const path = await damaged('in-vocab', (b) =>
      b.writeUInt16LE(b.readUInt16LE(HEADER_BYTES + 10) ^ 1, HEADER_BYTES + 10),
    );
    expect(openTokenCache(path, fp)).toEqual({
      status: 'stale',
      reason: `${path} is damaged: its contents do not match the checksum in its header; it will be rebuilt`,
    });
  });

  it('a damaged offsets table, or a header checksum of zeros: stale', async () => {
    const tokens = 11 + 3000 + 12;
    const table = HEADER_BYTES + tokens * 2;
    const swapped = await damaged('table', (b) => b.writeBigUInt64LE(BigInt(tokens + 5), table + 8));
    expect(openTokenCache(swapped, fp)).toMatchObject({
      status: 'stale',
      reason: expect.stringContaining(`${swapped} is damaged: its document offsets are out of order`),
    });
    const wiped = await damaged('no-sum', (b) => b.fill(0, 112, 128));
    expect(openTokenCache(wiped, fp)).toMatchObject({
      status: 'stale',
      reason: expect.stringContaining('do not match the checksum in its header'),
    });
  });

  it('a cache of the previous version (no checksum) is rebuilt, saying why', async () => {
    const path = await damaged('v1', (b) => b.writeUInt32LE(1, 8));
    expect(openTokenCache(path, fp)).toMatchObject({
      status: 'stale',
      reason: expect.stringContaining(`is token cache version 1, this build reads version ${TOKEN_CACHE_VERSION}`),
    });
  });

  it('a cache too large to hold in memory is checked chunk by chunk, and read from the file', async () => {
    const small = { residentBytes: 1000, checkChunkBytes: 400 }; // 3023 ids: 6046 bytes, 16 chunks
    const fine = await damaged('large', () => {});
    const opened = openTokenCache(fine, fp, small);
    if (opened.status !== 'ok') throw new Error(JSON.stringify(opened));
    expect(Array.from(opened.cache.readTokens(1, 2998, 3010))).toEqual(tok.encode('xx'));
    expect(Array.from(opened.cache.readTokens(2, 0, 100))).toEqual(tok.encode('the last one'));
    opened.cache.close();
    const late = await damaged('large-late', (b) => b.writeUInt16LE(9999, HEADER_BYTES + 2 * 3020));
    expect(openTokenCache(late, fp, small)).toMatchObject({
      reason: expect.stringContaining("token id 9999 (token 3020) is outside the tokenizer's 384 ids"),
    });
    const inVocab = await damaged('large-in-vocab', (b) => b.writeUInt16LE(5, HEADER_BYTES + 2 * 2500));
    expect(openTokenCache(inVocab, fp, small)).toMatchObject({
      reason: expect.stringContaining('do not match the checksum in its header'),
    });
  });

  it('a tokenizer that gives an id past its vocabulary is refused when the cache is written', async () => {
    const liar: TextTokenizer = { ...tok, vocabSize: 100 }; // 'a' is id 100
    await expect(writeTokenCache(join(dir, 'liar.tokens'), fp, liar, ['ABC', 'abc'])).rejects.toThrow(
      `The tokenizer ${tok.name} gave token id 100 for document 2, past its 100 ids`,
    );
  });
});
