// The byte tokenizer's fast path for model folders whose tokenizer files are exactly the
// byte-level tokenizer's (builtin:byt5-tiny, ByT5 folders, their checkpoints): the same ids,
// text, special ids and fingerprint (so the same token caches) as @huggingface/transformers
// reading those files, on text of every kind; any other byte-level configuration is left to
// transformers.js.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isByteTokenizerFiles } from '../../../../src/main/engine/data/byteLevelTokenizer';
import { loadHfTokenizer, type TextTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { openTokenizer } from '../../../../src/main/engine/data/tokenizerRegistry';
import { materializeBuiltinModel } from '../../../../src/main/engine/t5/builtin';
import { writeByT5Folder } from '../../../support/byt5Folder';
import { Fuzzer } from '../../../support/fuzz';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-bytelevel-');
const builtinDir = (): string => materializeBuiltinModel(tempDir());

const TEXTS = [
  '',
  'a',
  'The cute dog walks in the green park.',
  'café naïve na\u0308ive Ｆｕｌｌ 東京 😀 👩‍👩‍👧 \u00a0\u2003\u200b',
  '\ufeffstarts with a byte-order mark \ufeff twice',
  'lone \ud800 high, lone \udc00 low, swapped \udc00\ud800, end \ud83d',
  'tabs\tand\r\nline\rbreaks\n\n\u000b\u001f\u007f\u0000',
  '<extra_id_0>',
  'A <extra_id_0> test <extra_id_1> here <extra_id_124>',
  '<extra_id_125> <extra_id_01> <extra_id_> <extra_id_-1> <EXTRA_ID_0> <extra_id_0 >',
  '<<extra_id_3>> <extra_id_1<extra_id_2>> <extra_id_12>3 <extra_id_99><extra_id_100>',
  '</s> x</s></s>y </S> </s <pad><unk><pad> <unk>',
  ' <extra_id_0> ',
  'end of text</s>',
];

/** Seeded texts made of the awkward pieces above and random characters. */
function fuzzedTexts(count: number): string[] {
  const fuzz = new Fuzzer(20261206);
  const pieces = ['<extra_id_', '>', '<', '</s>', '<pad>', '<unk>', '</', 's>', ' ', 'é', '😀', '\ud800', '\n', '7'];
  return Array.from({ length: count }, () =>
    Array.from({ length: fuzz.int(0, 12) }, () => (fuzz.chance(0.6) ? fuzz.pick(pieces) : fuzz.string(6))).join(''),
  );
}

/** Id lists a model may generate: bytes that are not whole UTF-8, specials between them. */
const ID_LISTS = [
  [],
  [0xc3 + 3],
  [0xe2 + 3, 0x82 + 3, 383, 0xac + 3],
  [0xef + 3, 0xbb + 3, 0xbf + 3, 0x41 + 3, 1, 0xef + 3, 0xbb + 3, 0xbf + 3],
  [0, 1, 2, 259, 260, 382, 383, 0x80 + 3, 0xff + 3, 0xf0 + 3, 0x9f + 3],
  [0x61 + 3, 384, 0x62 + 3, 1000, 1],
];

function expectSameTokenizer(fast: TextTokenizer, hf: TextTokenizer, texts: readonly string[]): void {
  expect(fast.encoding?.mode).toBe('byte-level');
  expect(hf.encoding?.mode).not.toBe('byte-level');
  const fields = (t: TextTokenizer) => [t.name, t.fingerprint, t.vocabSize, t.padId, t.eosId, t.unkId, t.sentinelCount];
  expect(fields(fast)).toEqual(fields(hf));
  for (let n = 0; n < hf.sentinelCount; n++) expect(fast.sentinelId(n)).toBe(hf.sentinelId(n));
  expect(() => fast.sentinelId(hf.sentinelCount)).toThrow(
    `Sentinel <extra_id_${hf.sentinelCount}> does not exist; ${hf.name} has ${hf.sentinelCount}`,
  );
  for (let id = 0; id < hf.vocabSize; id++) expect([id, fast.isReservedId(id)]).toEqual([id, hf.isReservedId(id)]);
  for (const text of texts) {
    const ids = hf.encode(text);
    expect({ text, ids: fast.encode(text) }).toEqual({ text, ids });
    expect({ ids, text: fast.decode(ids) }).toEqual({ ids, text: hf.decode(ids) });
  }
  for (const ids of ID_LISTS) expect({ ids, text: fast.decode(ids) }).toEqual({ ids, text: hf.decode(ids) });
}

describe('byte-level fast path', () => {
  it("gives builtin:byt5-tiny's folder the ids, text, special ids and fingerprint transformers.js gives it", async () => {
    const dir = builtinDir();
    expectSameTokenizer(await openTokenizer(dir), await loadHfTokenizer(dir), [...TEXTS, ...fuzzedTexts(400)]);
  });

  it('gives a ByT5 folder (no tokenizer.json) and a checkpoint of it the same', async () => {
    const byt5 = writeByT5Folder(path.join(tempDir(), 'byt5-small'));
    const fast = await openTokenizer(byt5);
    expect(fast.encoding?.mode).toBe('byte-level');
    expect(fast.name).toBe('byt5-small');
    expect(fast.encode('a <extra_id_0></s>')).toEqual([0x61 + 3, 0x20 + 3, 383, 1]);
  });

  it('leaves a byte-level tokenizer configured otherwise to transformers.js', async () => {
    const variants: Record<string, (json: Record<string, unknown>, config: Record<string, unknown>) => void> = {
      'an added token': (json) => {
        const added = json.added_tokens as Record<string, unknown>[];
        added.push({ ...added[0], id: 384, content: '<mask>' });
      },
      'a normalizer': (json) => void (json.normalizer = { type: 'Lowercase' }),
      'a regex pre-tokenizer': (json) => void ((json.pre_tokenizer as Record<string, unknown>).use_regex = true),
      'a token stripping spaces': (json) => void ((json.added_tokens as Record<string, unknown>[])[5].lstrip = true),
      'clean-up of spaces when decoding': (_, config) => void (config.clean_up_tokenization_spaces = true),
      'lower-casing': (_, config) => void (config.do_lowercase_and_remove_accent = true),
    };
    const source = builtinDir();
    for (const [what, change] of Object.entries(variants)) {
      const dir = tempDir();
      const read = (name: string) =>
        JSON.parse(fs.readFileSync(path.join(source, name), 'utf8')) as Record<string, unknown>;
      const [json, config] = [read('tokenizer.json'), read('tokenizer_config.json')];
      change(json, config);
      fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
      fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(config));
      const tokenizer = await openTokenizer(dir);
      expect([what, tokenizer.encoding?.mode]).not.toEqual([what, 'byte-level']);
    }
  });

  it('does not take the byte-level tokenizer.json without its tokenizer_config.json for the byte tokenizer', () => {
    const json = fs.readFileSync(path.join(builtinDir(), 'tokenizer.json'));
    expect(isByteTokenizerFiles({ json, config: null })).toBe(false);
    expect(isByteTokenizerFiles({ json, config: Buffer.from('{}') })).toBe(false);
  });
});
