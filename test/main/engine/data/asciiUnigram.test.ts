// AsciiUnigram gives transformers.js' ids for plain-ASCII words: seeded random words (glued
// vocabulary pieces, punctuation, characters missing from the vocabulary so <unk>s appear
// and fuse) against whole encode calls, on the fixture vocabulary, on one whose scores are
// rounded (thousands of exact ties, so Viterbi's tie-breaking must match), on one with a
// duplicated piece (the last index wins), on one without added tokens (so "<unk>" and "</s>"
// are plain pieces to the lattice), and on a 3k vocabulary trained by benchTokenizer.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AsciiUnigram } from '../../../../src/main/engine/data/asciiUnigram';
import { CorpusWriter } from '../../../../src/main/engine/data/benchCorpus';
import { t5TokenizerJson, trainUnigram } from '../../../../src/main/engine/data/benchTokenizer';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { Fuzzer } from '../../../support/fuzz';

type Json = Record<string, unknown>;
type Vocab = [string, number][];
const spmDir = join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const spmJson = JSON.parse(readFileSync(join(spmDir, 'tokenizer.json'), 'utf8')) as Json & { model: { vocab: Vocab } };
const scratch = mkdtempSync(join(tmpdir(), 'spanfill-ascii-unigram-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function folder(name: string, json: Json): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  writeFileSync(join(dir, 'tokenizer_config.json'), readFileSync(join(spmDir, 'tokenizer_config.json')));
  return dir;
}

function withVocab(vocab: Vocab): Json {
  return { ...spmJson, model: { ...spmJson.model, vocab } };
}

function trained(): Json {
  const writer = new CorpusWriter();
  let text = '';
  while (text.length < 300_000) text += writer.paragraph() + '\n\n';
  return t5TokenizerJson(trainUnigram(text, 3000));
}

const vocabularies: [string, () => Json][] = [
  ['t5-tiny-spm', () => spmJson],
  ['rounded scores (ties)', () => withVocab(spmJson.model.vocab.map(([p, s]): [string, number] => [p, Math.round(s)]))],
  [
    'a duplicated piece',
    () => {
      const vocab = spmJson.model.vocab.slice();
      const twice = vocab.findIndex(([p]) => p === '▁the');
      vocab.splice(400, 0, ['▁the', vocab[twice][1] + 2]); // before the sentinels
      return withVocab(vocab);
    },
  ],
  ['no added tokens', () => ({ ...spmJson, added_tokens: [] })],
  ['a 3k vocabulary trained on the bench corpus', trained],
];

const ASCII = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i));

/** A word glued from vocabulary pieces (without ▁) and random printable characters. */
function randomWord(fuzz: Fuzzer, pieces: readonly string[]): string {
  let word = '';
  const parts = fuzz.int(1, 5);
  for (let i = 0; i < parts; i++) word += fuzz.chance(0.6) ? fuzz.pick(pieces) : fuzz.pick(ASCII);
  return word;
}

describe.each(vocabularies)('AsciiUnigram on %s', (name, makeJson) => {
  it('encodes seeded random words exactly as transformers.js does', async () => {
    const json = makeJson();
    const whole = await loadHfTokenizer(folder(name.replace(/\W+/g, '-').replace(/-$/, ''), json), { wordMemo: false });
    const fast = new AsciiUnigram(json);
    const pieces = (json.model as { vocab: Vocab }).vocab
      .map(([p]) => p.replace(/^▁/, ''))
      .filter((p) => /^[\x21-\x7e]+$/.test(p));
    const fuzz = new Fuzzer(7_000_003);
    let handled = 0;
    for (let n = 0; n < 3000; n++) {
      const word = randomWord(fuzz, pieces);
      const ids = fast.encode(word); // null: a word with '<' while <…> added tokens exist
      if (ids !== null) handled++;
      if (ids !== null) expect(ids, `word #${n}: ${JSON.stringify(word)}`).toEqual(whole.encode(word));
    }
    expect(handled).toBeGreaterThan(2000);
  });
});

describe('AsciiUnigram leaves the rest to the full encoder', () => {
  const fast = new AsciiUnigram(spmJson);
  it.each(['', 'a b', 'tab\there', 'café', 'x\u0301', '</s>', 'a<b', '東京', '😀'])('%j → null', (word) => {
    expect(fast.encode(word)).toBeNull();
  });

  it('and takes no word at all when an added token starts with ▁ or there is no <unk> id', () => {
    const added = [...(spmJson.added_tokens as Json[]), { id: 500, content: '▁x', special: true, normalized: false }];
    expect(new AsciiUnigram({ ...spmJson, added_tokens: added }).encode('dog')).toBeNull();
    expect(new AsciiUnigram({ ...spmJson, model: { ...spmJson.model, unk_id: null } }).encode('dog')).toBeNull();
    expect(fast.encode('dog')).not.toBeNull();
  });
});
