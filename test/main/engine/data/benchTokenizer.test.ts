// The bench's stand-in T5 tokenizer: a folder transformers.js loads with T5's layout (pad 0,
// </s> 1, <unk> 2, 100 sentinels counting down from the last id), encoded through the per-word
// memo, and a trained vocabulary that cuts English-like text into a realistic number of pieces.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CorpusWriter } from '../../../../src/main/engine/data/benchCorpus';
import { buildStandInTokenizer } from '../../../../src/main/engine/data/benchTokenizer';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';

const dir = mkdtempSync(join(tmpdir(), 'spanfill-standin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildStandInTokenizer', () => {
  it('writes a T5-layout tokenizer that the per-word memo encodes', async () => {
    const writer = new CorpusWriter();
    const paragraphs: string[] = [];
    for (let chars = 0; chars < 200_000; chars += paragraphs[paragraphs.length - 1].length + 2) {
      paragraphs.push(writer.paragraph());
    }
    writeFileSync(join(dir, 'corpus.txt'), paragraphs.join('\n\n'));
    const tok = await loadHfTokenizer(buildStandInTokenizer(join(dir, 'corpus.txt'), join(dir, 'standin'), 1000, 1));
    expect([tok.padId, tok.eosId, tok.unkId, tok.sentinelCount]).toEqual([0, 1, 2, 100]);
    expect(tok.vocabSize).toBeGreaterThan(800); // at most 1,000 pieces: those the text uses
    expect(tok.vocabSize).toBeLessThanOrEqual(1100);
    expect([tok.sentinelId(0), tok.sentinelId(99)]).toEqual([tok.vocabSize - 1, tok.vocabSize - 100]);
    expect(tok.encoding?.mode).toBe('per-word-memo');
    const sample = paragraphs.slice(-50).join(' ');
    const ids = tok.encode(sample);
    expect(tok.decode(ids)).toBe(sample);
    // Frequent words are single pieces, rare ones split: between 1 and 3 pieces a word.
    const words = sample.split(' ').length;
    expect(ids.length / words).toBeGreaterThan(1);
    expect(ids.length / words).toBeLessThan(3);
  });
});
