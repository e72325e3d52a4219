// The byte-level tokenizer (tokenizer.ts, ByT5 layout) written as Hugging Face tokenizer files,
// so a model folder that uses it loads like any other: tokenizer.json (a byte-level BPE with no
// merges, so every UTF-8 byte is one token and byte b has id b + 3), tokenizer_config.json and
// special_tokens_map.json. Ids come from createByteTokenizer, never restated here.
// References: HF tokenizers `tokenizer.json` serialisation (models/bpe, pre_tokenizers/byte_level,
// processors/template); GPT-2's bytes_to_unicode table (Radford et al. 2019, encoder.py).

import { createByteTokenizer, type TextTokenizer } from './tokenizer';

/**
 * The printable stand-in character for each byte that byte-level BPE uses in its vocabulary:
 * bytes that are printable Latin-1 ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves, the
 * other 68 get U+0100 upwards in byte order.
 */
export function byteStandInChars(): string[] {
  const isPrintable = (b: number): boolean => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
  const chars: string[] = [];
  let next = 256;
  for (let b = 0; b < 256; b++) chars.push(String.fromCharCode(isPrintable(b) ? b : next++));
  return chars;
}

const SPECIAL_NAMES = ['<pad>', '</s>', '<unk>'] as const;

function specialIds(tokenizer: TextTokenizer): Record<(typeof SPECIAL_NAMES)[number], number> {
  return { '<pad>': tokenizer.padId, '</s>': tokenizer.eosId, '<unk>': tokenizer.unkId };
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** tokenizer.json for the byte tokenizer: EOS appended by the post-processor, as T5's is. */
export function byteTokenizerJson(tokenizer: TextTokenizer = createByteTokenizer()): Record<string, unknown> {
  const specials = specialIds(tokenizer);
  const firstByteId = tokenizer.encode('\u0000')[0];
  const vocab: Record<string, number> = { ...specials };
  byteStandInChars().forEach((char, b) => (vocab[char] = firstByteId + b));
  const added = SPECIAL_NAMES.map((name) => addedToken(specials[name], name));
  for (let n = tokenizer.sentinelCount - 1; n >= 0; n--) {
    added.push(addedToken(tokenizer.sentinelId(n), `<extra_id_${n}>`));
  }
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
  const eos = { SpecialToken: { id: '</s>', type_id: 0 } };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, eos],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, eos, { Sequence: { id: 'B', type_id: 0 } }, eos],
      special_tokens: { '</s>': { id: '</s>', ids: [specials['</s>']], tokens: ['</s>'] } },
    },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: '<unk>',
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

/** tokenizer_config.json and special_tokens_map.json to go with byteTokenizerJson. */
export function byteTokenizerConfigFiles(
  tokenizer: TextTokenizer = createByteTokenizer(),
  modelMaxLength = 1024,
): { tokenizerConfig: Record<string, unknown>; specialTokensMap: Record<string, unknown> } {
  const sentinels = Array.from({ length: tokenizer.sentinelCount }, (_, n) => `<extra_id_${n}>`);
  const specialTokensMap = {
    pad_token: '<pad>',
    eos_token: '</s>',
    unk_token: '<unk>',
    additional_special_tokens: sentinels,
  };
  // NOTE: PreTrainedTokenizerFast, not ByT5Tokenizer: transformers.js has no ByT5 class, and
  // Python's generic fast tokenizer reads tokenizer.json, which gives ByT5's ids exactly.
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: modelMaxLength,
    clean_up_tokenization_spaces: false,
    ...specialTokensMap,
  };
  return { tokenizerConfig, specialTokensMap };
}
