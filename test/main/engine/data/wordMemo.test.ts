// The per-word memo gives exactly the ids of whole-text encoding: a seeded fuzz over awkward
// Unicode (NBSP and other spaces, tabs, vertical tabs, combining marks, compatibility
// characters that decompose to a space, Hangul jamo, CJK, emoji, literal special tokens,
// runs of spaces) on the fixture tokenizer and on the same vocabulary behind the other T5
// pipelines (Precompiled normaliser, legacy Metaspace); the SentencePiece golden cases; and
// for pipelines the plan rejects, proof that memoising them would have changed the ids.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import cases from '../../../fixtures/t5/t5-tiny-spm/tokenizer_cases.json';
import { loadHfTokenizer, type TextTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { WordMemo } from '../../../../src/main/engine/data/wordMemo';
import { JS_WHITESPACE } from '../../../../src/main/engine/data/wordMemoPlan';
import { Fuzzer } from '../../../support/fuzz';

const spmDir = join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const scratch = mkdtempSync(join(tmpdir(), 'spanfill-wordmemo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Json = Record<string, unknown>;
/** A copy of the fixture folder with parts of tokenizer.json replaced. */
function variant(name: string, part: Json): string {
  const dir = join(scratch, name);
  cpSync(spmDir, dir, { recursive: true });
  const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as Json;
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify({ ...json, ...part }));
  return dir;
}

const collapse = { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' };
const precompiled = { type: 'Precompiled', precompiled_charsmap: '' };
const pipelines: [string, () => string][] = [
  ['t5-tiny-spm (NFKC, collapse spaces)', () => spmDir],
  [
    'Precompiled + collapse (t5-small today)',
    () => variant('pc', { normalizer: { type: 'Sequence', normalizers: [precompiled, collapse] } }),
  ],
  [
    'Precompiled, legacy Metaspace (older t5 files)',
    () =>
      variant('legacy', {
        normalizer: precompiled,
        pre_tokenizer: {
          type: 'Sequence',
          pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Metaspace', replacement: '▁', add_prefix_space: true }],
        },
      }),
  ],
];

const PIECES = [
  ...['The', 'cute', 'dog', 'walks', 'in', 'the', 'green', 'park', 'Copyright', '2007', 'qwxz', 'a', 'é', 'ß'],
  ...[' ', ' ', '  ', '   ', '\t', '\n', '\r\n', '\v', '\f', '\u00a0', '\u2003', '\u3000', '\u202f', '\u205f'],
  ...['\u1680', '\u2028', '\ufeff', '\u200b', '\u200d', '\u0085', '\u0001', '\u007f', '\u0301', '\u0308', '\u0327'],
  ...['\u00a8', '\u00b4', '\u02d8', 'Ｆｕｌｌ', '\uff5e', '①', 'ﬁ', '\u1100', '\u1161', '\u11a8', '東京', '한국어'],
  ...['😀', '👨‍👩‍👧', '🇩🇪', '\ud83d', '▁', '▁▁', '.', ',', '(', ')', '"', '-', '</s>', '<pad>', '<unk>'],
  ...['<extra_id_0>', '<extra_id_3>', '<extra_id_99>', '<extra_id_', '</s', '<', '>', 'e\u0301\u0327', 'x\u0308y'],
];

function randomText(fuzz: Fuzzer): string {
  let text = '';
  const length = fuzz.int(0, 40);
  for (let i = 0; i < length; i++) text += fuzz.pick(PIECES);
  return text;
}

describe.each(pipelines)('per-word memo on %s', (_, dir) => {
  let memo: TextTokenizer;
  let whole: TextTokenizer;
  it('is chosen for this pipeline', async () => {
    memo = await loadHfTokenizer(dir());
    whole = await loadHfTokenizer(dir(), { wordMemo: false });
    expect(memo.encoding?.mode).toBe('per-word-memo');
    expect(whole.encoding?.mode).toBe('whole-text');
  });

  it('gives the whole-text ids on 1,500 seeded random texts', () => {
    const fuzz = new Fuzzer(20_241_130);
    for (let n = 0; n < 1500; n++) {
      const text = randomText(fuzz);
      expect(memo.encode(text), `text #${n}: ${JSON.stringify(text)}`).toEqual(whole.encode(text));
    }
  });

  it('reproduces the SentencePiece golden cases', () => {
    for (const c of cases.samples) expect([...memo.encode(c.text), memo.eosId]).toEqual(c.ids);
  });
});

describe('pipelines the plan rejects are encoded whole, and would have gone wrong word by word', () => {
  const rejects: [string, Json, string][] = [
    // transformers.js' Metaspace does not split, so a tab stays inside one pre-token.
    [
      'Metaspace alone',
      { pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always' } },
      'The\tdog',
    ],
    [
      'prepend_scheme first',
      {
        pre_tokenizer: {
          type: 'Sequence',
          pretokenizers: [
            { type: 'WhitespaceSplit' },
            { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first' },
          ],
        },
      },
      'a </s> dog',
    ],
    [
      'a Replace that deletes spaces',
      { normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '' } },
      'The dog',
    ],
  ];
  it.each(rejects)('%s', async (name, part, text) => {
    const dir = variant(name.replace(/\W+/g, '-'), part);
    const tok = await loadHfTokenizer(dir);
    expect(tok.encoding?.mode).toBe('whole-text');
    const naive = new WordMemo((chunk) => tok.encode(chunk), JS_WHITESPACE);
    expect(naive.encode(text)).not.toEqual(tok.encode(text));
  });

  it('a vertical tab joins words under Precompiled, so it is not a boundary there', async () => {
    const dir = variant('pc-vt', { normalizer: precompiled });
    const [memo, whole] = [await loadHfTokenizer(dir), await loadHfTokenizer(dir, { wordMemo: false })];
    expect(memo.encode('cute\vdog')).toEqual(whole.encode('cute\vdog'));
    const naive = new WordMemo((chunk) => whole.encode(chunk), JS_WHITESPACE);
    expect(naive.encode('cute\vdog')).not.toEqual(whole.encode('cute\vdog'));
  });
});

describe('WordMemo', () => {
  const letters = (chunk: string): number[] => [...chunk].map((c) => c.codePointAt(0) ?? 0);

  it('encodes each distinct chunk once and counts hits and misses', () => {
    const calls: string[] = [];
    const memo = new WordMemo((chunk) => (calls.push(chunk), letters(chunk)), ' \n');
    expect(memo.encode('ab a\n ab  b')).toEqual([97, 98, 97, 97, 98, 98]);
    expect(calls).toEqual(['ab', 'a', 'b']);
    expect(memo.stats).toEqual({ hits: 1, misses: 3, entries: 3 });
    expect(memo.encode('')).toEqual([]);
    expect(memo.encode('  \n ')).toEqual([]);
  });

  it('holds at most two generations of maxEntries and re-encodes what it dropped', () => {
    const calls: string[] = [];
    const memo = new WordMemo((chunk) => (calls.push(chunk), letters(chunk)), ' ', { maxEntries: 2 });
    memo.encode('a b c d e');
    expect(memo.stats.entries).toBeLessThanOrEqual(4);
    calls.length = 0;
    memo.encode('e d a'); // e, d still held; a was dropped with the oldest generation
    expect(calls).toEqual(['a']);
  });

  it('grows past its first size and still finds every entry (20,000 distinct words)', () => {
    const memo = new WordMemo(letters, ' ');
    const words = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
    const expected = words.flatMap(letters);
    expect(memo.encode(words.join(' '))).toEqual(expected);
    expect(memo.encode(words.join(' '))).toEqual(expected);
    expect(memo.stats).toEqual({ hits: 20_000, misses: 20_000, entries: 20_000 });
  });

  it('bounds memory by text and ids too: long words fill a generation before maxEntries do', () => {
    const memo = new WordMemo(letters, ' ', { maxEntries: 8 }); // 96 ints of pool a generation
    const words = Array.from({ length: 20 }, (_, i) => String.fromCharCode(97 + i).repeat(40));
    expect(memo.encode(words.join(' '))).toHaveLength(800);
    expect(memo.stats.entries).toBeLessThanOrEqual(4); // 82 ints a word: two words a generation
    expect(memo.encode(words.join(' '))).toEqual(words.flatMap(letters));
  });

  it('does not remember chunks longer than maxChunkChars', () => {
    const calls: string[] = [];
    const memo = new WordMemo((chunk) => (calls.push(chunk), letters(chunk)), ' ', { maxChunkChars: 3 });
    memo.encode('abcd abcd abc abc');
    expect(calls).toEqual(['abcd', 'abcd', 'abc']);
  });
});
