// The byte tokenizer written as HF tokenizer files: @huggingface/transformers loads them and
// gives exactly the ByT5 ids of createByteTokenizer (byte b → b + 3) for any text, with the
// specials and 125 sentinels where the layout puts them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  byteStandInChars,
  byteTokenizerConfigFiles,
  byteTokenizerJson,
} from '../../../../src/main/engine/data/byteTokenizerFiles';
import { createByteTokenizer, loadHfTokenizer, type TextTokenizer } from '../../../../src/main/engine/data/tokenizer';

describe('byteStandInChars', () => {
  it('gives 256 distinct characters, printable Latin-1 bytes standing for themselves', () => {
    const chars = byteStandInChars();
    expect(new Set(chars).size).toBe(256);
    expect(chars['A'.charCodeAt(0)]).toBe('A');
    expect(chars[0xe9]).toBe('é');
    expect(chars[0x20]).not.toBe(' '); // space is not printable here: it gets a stand-in
    expect(chars.every((c) => c.length === 1 && !/\s/.test(c))).toBe(true);
  });
});

describe('the byte tokenizer as HF files', () => {
  let dir: string;
  let hf: TextTokenizer;
  const bytes = createByteTokenizer();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spanfill-bytetok-'));
    writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(byteTokenizerJson()));
    const { tokenizerConfig, specialTokensMap } = byteTokenizerConfigFiles();
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig));
    writeFileSync(join(dir, 'special_tokens_map.json'), JSON.stringify(specialTokensMap));
    hf = await loadHfTokenizer(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the ByT5 layout', () => {
    expect(hf.vocabSize).toBe(384);
    expect([hf.padId, hf.eosId, hf.unkId]).toEqual([0, 1, 2]);
    expect(hf.sentinelCount).toBe(125);
    for (const n of [0, 1, 124]) expect(hf.sentinelId(n)).toBe(383 - n);
  });

  it('encodes every code point below 256, controls and whitespace included, to byte + 3', () => {
    const text = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const ids = hf.encode(text);
    expect(ids).toEqual(bytes.encode(text));
    expect(ids.slice(0, 3)).toEqual([3, 4, 5]);
    expect(hf.decode(ids)).toBe(text);
  });

  it('encodes multi-byte UTF-8 (accents, CJK, emoji) byte by byte and decodes it back', () => {
    const text = 'naïve café — 東京 🦀 e\u0301 \r\n  two  spaces ';
    expect(hf.encode(text)).toEqual(bytes.encode(text));
    expect(hf.encode('🦀')).toEqual([0xf0 + 3, 0x9f + 3, 0xa6 + 3, 0x80 + 3]);
    expect(hf.decode(hf.encode(text))).toBe(text);
  });

  it('maps literal special tokens to their ids, as ByT5 does', () => {
    expect(hf.encode('a<extra_id_5>b</s>')).toEqual([100, 378, 101, 1]);
    expect(hf.decode([100, 383, 1])).toBe('a<extra_id_0></s>');
  });
});
