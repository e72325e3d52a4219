// tokenCountsFile.ts: the counts kept beside a token cache read back as written, for that cache
// only: those of another fingerprint (an older cache of the same name), a file that is not JSON
// and one of another layout read as none, so they are counted again and written over.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTokenCounts, tokenCountsPath, writeTokenCounts } from '../../../src/main/services/tokenCountsFile';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-token-counts-');
const counts = { tokenizer: 't5', tokens: 120, droppedSpecialTokens: 1, unknownTokens: 2, unknownCharacters: ['東'] };

describe('token counts beside a cache', () => {
  it('reads back what was written, for the same cache only', () => {
    const cache = path.join(tempDir(), 'abc.tokens');
    expect(readTokenCounts(cache, 'fp-1')).toBeUndefined();
    writeTokenCounts(cache, 'fp-1', counts);
    expect(readTokenCounts(cache, 'fp-1')).toEqual(counts);
    expect(readTokenCounts(cache, 'fp-2')).toBeUndefined();
    writeTokenCounts(cache, 'fp-2', { tokenizer: 't5', tokens: 7 });
    expect(readTokenCounts(cache, 'fp-2')).toEqual({ tokenizer: 't5', tokens: 7 });
    expect(fs.readdirSync(path.dirname(cache))).toEqual(['abc.tokens.counts.json']); // no temp file left
  });

  it('reads a damaged file or one of another layout as none', () => {
    const cache = path.join(tempDir(), 'abc.tokens');
    fs.writeFileSync(tokenCountsPath(cache), '{"format": "spanfill-token-counts", ');
    expect(readTokenCounts(cache, 'fp-1')).toBeUndefined();
    const other = { format: 'spanfill-token-counts', version: 2, fingerprint: 'fp-1', counts };
    fs.writeFileSync(tokenCountsPath(cache), JSON.stringify(other));
    expect(readTokenCounts(cache, 'fp-1')).toBeUndefined();
    fs.writeFileSync(tokenCountsPath(cache), JSON.stringify({ ...other, version: 1, counts: { tokens: -1 } }));
    expect(readTokenCounts(cache, 'fp-1')).toBeUndefined();
  });
});
