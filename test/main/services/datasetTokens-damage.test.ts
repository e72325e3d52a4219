// A token cache damaged in place (its length kept, so only its ids are wrong) is rebuilt from
// the dataset's documents the next time it is asked for, as a truncated one is (tokenCacheRead.ts
// finds the damage), instead of feeding ids outside the vocabulary to the trainer.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetsTestKit, novel, spmDir } from './datasets-support';

const { setup } = datasetsTestKit();

describe('datasets service: a damaged token cache', () => {
  it('is rebuilt with the tokenizing progress shown, then read from the cache again', async () => {
    const { service, write, dataDir, seen } = setup();
    const ds = await service.import({ paths: [write('novel.txt', novel)] });
    const built = await service.tokens(ds.id, spmDir);
    const ids = Array.from(built.cache.readTokens(3, 0, 1000));
    built.cache.close();
    const file = path.join(dataDir, 'tokens', ds.id, fs.readdirSync(path.join(dataDir, 'tokens', ds.id))[0]);
    const bytes = fs.readFileSync(file);
    bytes.fill(0xff, 200, Math.min(Number(bytes.readBigUInt64LE(32)), 200 + 4000)); // ids only, not the offsets
    fs.writeFileSync(file, bytes);
    seen.length = 0;

    const rebuilt = await service.tokens(ds.id, spmDir);
    expect(rebuilt.result.isCached).toBe(false);
    expect(Array.from(rebuilt.cache.readTokens(3, 0, 1000))).toEqual(ids);
    rebuilt.cache.close();
    expect(seen.some((s) => s.event === 'datasets.importProgress')).toBe(true);
    const again = await service.tokens(ds.id, spmDir);
    again.cache.close();
    expect(again.result.isCached).toBe(true);
  });
});
