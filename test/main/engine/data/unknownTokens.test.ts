// Tokens that became <unk> (unknownTokens.ts): counted as a text is tokenized, a few characters
// that did found by encoding each alone, the same again from a token cache written before counts
// were kept; a byte-level tokenizer has none. The note's words (shared/tokenNotes.ts).
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countUnknownTokens,
  recountUnknownTokens,
  UnknownTokenCounter,
} from '../../../../src/main/engine/data/unknownTokens';
import { openTokenCache, writeTokenCache } from '../../../../src/main/engine/data/tokenCache';
import { createByteTokenizer, encodeForTraining, loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { InMemoryTokenSource } from '../../../../src/main/engine/data/tokenSource';
import {
  datasetTokenNotes,
  shownCharacter,
  UNKNOWN_CHARACTERS_SHOWN,
  unknownTokensNote,
} from '../../../../src/shared/tokenNotes';

const spmDir = join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const foreign = '東京 😀 café “quoted” {x}';

describe('tokens that became <unk>', async () => {
  const spm = await loadHfTokenizer(spmDir);
  const bytes = createByteTokenizer();

  it('counts them in a text and names the characters that became one, each once, in order', () => {
    const ids = spm.encode(foreign);
    expect(spm.unknownId).toBe(2);
    const expected = ids.filter((id) => id === 2).length;
    expect(expected).toBe(7); // 東京 fused into one, 😀, é, “, ”, {, }: the tiny vocabulary has none of them
    expect(countUnknownTokens(spm, foreign, ids)).toEqual({
      count: expected,
      characters: ['東', '京', '😀', 'é', '“', '”', '{', '}'],
    });
  });

  it('names no character of special-token text, which is no <unk> (its own id, or dropped): "_" of <extra_id_3>', () => {
    const typed = 'It wrote <extra_id_3> and </s> then 東.';
    expect(spm.encode('_')).toContain(2); // alone it is one
    expect(countUnknownTokens(spm, typed, encodeForTraining(spm, typed).ids)).toEqual({ count: 1, characters: ['東'] });
  });

  it('has nothing to say of plain text, nor of a byte-level tokenizer, which has no <unk>', () => {
    const plain = 'The cute dog walks in the green park';
    expect(countUnknownTokens(spm, plain, spm.encode(plain))).toEqual({ count: 0, characters: [] });
    expect(bytes.unknownId).toBeNull();
    expect(countUnknownTokens(bytes, foreign, bytes.encode(foreign))).toBeNull();
  });

  it(`keeps ${UNKNOWN_CHARACTERS_SHOWN} characters at most over many texts, and counts every token`, () => {
    const counter = new UnknownTokenCounter(spm);
    const texts = ['a 東 b', 'c 東 d 京', '一 二 三 四 五 六 七 八 九 十'];
    let total = 0;
    for (const t of texts) {
      const ids = spm.encode(t);
      total += ids.filter((id) => id === 2).length;
      counter.add(ids, () => t);
    }
    expect(counter.result()).toEqual({ count: total, characters: ['東', '京', '一', '二', '三', '四', '五', '六'] });
  });

  it('a token cache counts them as it is written; one written before is recounted from its ids and texts', async () => {
    const texts = ['plain words', foreign, 'more {braces} here'];
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'spanfill-unk-'));
    try {
      const file = join(dir, 'c.tokens');
      const fingerprint = 'a'.repeat(64);
      const written = await writeTokenCache(file, fingerprint, spm, texts);
      const whole = new UnknownTokenCounter(spm);
      for (const t of texts) whole.add(encodeForTraining(spm, t).ids, () => t);
      expect(written.unknownTokens).toEqual(whole.result());
      const opened = openTokenCache(file, fingerprint);
      if (opened.status !== 'ok') throw new Error(opened.status);
      const asked: number[] = [];
      const recounted = recountUnknownTokens(opened.cache, spm, (doc) => (asked.push(doc), texts[doc]));
      opened.cache.close();
      expect(recounted).toEqual(written.unknownTokens);
      expect(asked).toEqual([1]); // only a document that holds one, until 8 characters are found
      const byteSource = new InMemoryTokenSource(texts.map((t) => bytes.encode(t)));
      expect(recountUnknownTokens(byteSource, bytes, (doc) => texts[doc])).toBeNull();
      const byteCache = await writeTokenCache(join(dir, 'b.tokens'), fingerprint, bytes, texts);
      expect(byteCache.unknownTokens).toBeNull();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the <unk> note', () => {
  it('says how many of how many, the share, a few characters, and what to do', () => {
    expect(
      unknownTokensNote(
        { count: 5, characters: ['東', '😀', '\u0308'] },
        { tokens: 20, tokenizer: 't5-small', where: 'the text' },
      ),
    ).toBe(
      "5 tokens of 20 (25%) in the text became <unk>: the t5-small tokenizer's vocabulary has no piece for " +
        'characters such as 東 😀 U+0308, so the model learns to write <unk> in their place. A tokenizer whose ' +
        'vocabulary covers them, or the byte-level one (bytes, ByT5), keeps them',
    );
    expect(unknownTokensNote({ count: 1, characters: [] }, { tokens: 30_000, tokenizer: 'm', where: 'x' })).toMatch(
      /^1 token of 30,000 \(under 0\.01%\) in x became <unk>: the m tokenizer's vocabulary has no piece for some of its characters,/,
    );
    expect(unknownTokensNote({ count: 0, characters: [] }, { tokens: 20, tokenizer: 'm', where: 'x' })).toBeNull();
    expect([shownCharacter('{'), shownCharacter(' '), shownCharacter('\u200b')]).toEqual(['{', 'U+0020', 'U+200B']);
  });

  it("a dataset's notes: special tokens removed and <unk>, over the dataset's text; none for clean text", () => {
    const notes = datasetTokenNotes({
      tokens: 300,
      tokenizer: 't5-tiny-spm',
      droppedSpecialTokens: 4,
      unknownTokens: { count: 3, characters: ['é'] },
    });
    expect(notes).toEqual([
      "Removed 4 literal special tokens such as </s> or <extra_id_0> from the dataset's text: they would collide " +
        'with the sentinels and end-of-sequence marks span corruption adds',
      expect.stringMatching(/^3 tokens of 300 \(1%\) in the dataset's text became <unk>: .* characters such as é,/),
    ]);
    const clean = { tokens: 300, tokenizer: 'bytes', droppedSpecialTokens: 0 };
    expect(datasetTokenNotes({ ...clean, unknownTokens: null })).toEqual([]);
    expect(datasetTokenNotes({ ...clean, unknownTokens: { count: 0, characters: [] } })).toEqual([]);
  });
});
