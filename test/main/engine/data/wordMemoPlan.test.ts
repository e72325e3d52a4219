// wordMemoPlan: which tokenizer.json pipelines may be encoded word by word. Accepted ones are
// checked against whole-text encoding in wordMemo.test.ts; here, each rejection is shown to
// matter (the memo would give other ids) where a real pipeline exhibits it, and the Unicode
// fact the proof rests on — whitespace never composes or reorders with its neighbours under
// NFC/NFD/NFKC/NFKD — is checked for every whitespace character against every code point.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JS_WHITESPACE, planWordMemo } from '../../../../src/main/engine/data/wordMemoPlan';

type Json = Record<string, unknown>;
const spmJson = JSON.parse(
  readFileSync(join(__dirname, '../../../fixtures/t5/t5-tiny-spm/tokenizer.json'), 'utf8'),
) as Json;
const withPart = (part: Json): Json => ({ ...structuredClone(spmJson), ...part });
const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
const t5PreTokenizer = { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, metaspace] };
const collapse = { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' };

describe('planWordMemo', () => {
  it('accepts the T5 pipelines: NFKC or Precompiled, collapsed spaces, WhitespaceSplit + Metaspace', () => {
    expect(planWordMemo(spmJson)).toEqual({ isExact: true, boundaries: JS_WHITESPACE });
    const precompiled = {
      type: 'Sequence',
      normalizers: [{ type: 'Precompiled', precompiled_charsmap: '' }, collapse],
    };
    const plan = planWordMemo(withPart({ normalizer: precompiled }));
    // Precompiled deletes a vertical tab, so "a\vb" is one word: \v must not split chunks.
    expect(plan).toEqual({ isExact: true, boundaries: JS_WHITESPACE.replace('\v', '') });
    const legacy = { type: 'Metaspace', replacement: '▁', add_prefix_space: true };
    const old = withPart({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, legacy] } });
    expect(planWordMemo(old).isExact).toBe(true);
    expect(planWordMemo(withPart({ normalizer: null })).isExact).toBe(true);
  });

  const rejected: [string, Json, string][] = [
    ['a BPE model', { model: { type: 'BPE', vocab: {}, merges: [] } }, 'model BPE is not Unigram'],
    ['Metaspace alone', { pre_tokenizer: metaspace }, 'the pre-tokenizer is not WhitespaceSplit then Metaspace'],
    [
      'prepend_scheme first',
      {
        pre_tokenizer: {
          ...t5PreTokenizer,
          pretokenizers: [{ type: 'WhitespaceSplit' }, { ...metaspace, prepend_scheme: 'first' }],
        },
      },
      "Metaspace prepend_scheme first depends on the word's position",
    ],
    [
      'a Replace that deletes spaces',
      { normalizer: { type: 'Replace', pattern: { String: ' ' }, content: '' } },
      'normalizer Replace {"String":" "} → "" may join words',
    ],
    [
      'a Replace that may match nothing',
      { normalizer: { type: 'Replace', pattern: { Regex: ' *' }, content: ' ' } },
      'normalizer Replace {"Regex":" *"} → " " may join words',
    ],
    ['Lowercase', { normalizer: { type: 'Lowercase' } }, 'normalizer Lowercase is not one known to keep words apart'],
    [
      'an added token with a space',
      { added_tokens: [{ id: 0, content: 'a b', special: true, normalized: false }] },
      'added token "a b" holds whitespace',
    ],
    [
      'an added token that strips',
      { added_tokens: [{ id: 0, content: '<mask>', lstrip: true, special: true }] },
      'added token <mask> strips whitespace',
    ],
    [
      'a normalised non-ASCII added token',
      { added_tokens: [{ id: 0, content: 'ｍａｓｋ', special: false }] },
      'added token ｍａｓｋ is matched after normalising and is not plain ASCII',
    ],
    [
      'a BertProcessing post-processor',
      { post_processor: { type: 'BertProcessing' } },
      'post-processor BertProcessing is not TemplateProcessing',
    ],
  ];
  it.each(rejected)('rejects %s', (_, part, reason) => {
    expect(planWordMemo(withPart(part))).toEqual({ isExact: false, reason });
  });

  it('rejects a vocabulary without the ▁ piece, remove_space and lowercasing configs', () => {
    const model = structuredClone(spmJson.model) as { vocab: [string, number][] };
    model.vocab = model.vocab.filter(([piece]) => piece !== '▁');
    expect(planWordMemo(withPart({ model }))).toEqual({
      isExact: false,
      reason: 'the vocabulary has no piece "▁", so <unk>s could fuse across words',
    });
    expect(planWordMemo(spmJson, { remove_space: true }).isExact).toBe(false);
    expect(planWordMemo(spmJson, { do_lowercase_and_remove_accent: true }).isExact).toBe(false);
    expect(planWordMemo('nonsense')).toEqual({ isExact: false, reason: 'tokenizer.json is not an object' });
  });
});

describe('the Unicode fact behind it', () => {
  it('JS_WHITESPACE is exactly what \\s matches', () => {
    const matched: string[] = [];
    for (let cp = 0; cp <= 0xffff; cp++) if (/\s/.test(String.fromCharCode(cp))) matched.push(String.fromCharCode(cp));
    expect(matched.join('')).toBe(JS_WHITESPACE);
  });

  it('every whitespace character is a normalisation boundary and stays whitespace, for every code point', () => {
    // One long string per (form, whitespace w): x₀ w x₁ w x₂ … over every scalar value of
    // planes 0 and 1 and the plane-14 tags and selectors. If any xᵢ composed or reordered with
    // w, normalising the whole would differ from normalising each piece alone (it does for a
    // Hangul leading jamo or a letter in w's place).
    const codePoints: string[] = [];
    for (let cp = 0; cp <= 0x1ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) codePoints.push(String.fromCodePoint(cp));
    for (let cp = 0xe0000; cp <= 0xe01ff; cp++) codePoints.push(String.fromCodePoint(cp));
    for (const form of ['NFC', 'NFD', 'NFKC', 'NFKD'] as const) {
      const pieces = codePoints.map((c) => c.normalize(form));
      for (const w of JS_WHITESPACE) {
        const normalized = w.normalize(form);
        expect(normalized).toMatch(/^\s+$/);
        const ok = codePoints.join(w).normalize(form) === pieces.join(normalized);
        expect(ok, `${form} joins U+${w.charCodeAt(0).toString(16)} with a neighbour`).toBe(true);
      }
    }
  });
});
