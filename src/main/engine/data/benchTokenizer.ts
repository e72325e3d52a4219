// A stand-in for T5's 32k SentencePiece tokenizer, for the import bench: the real one cannot be
// downloaded offline. A Unigram model (Kudo 2018, arXiv:1804.10959) trained roughly on the
// bench corpus — seed pieces by frequency × length, then a few rounds of Viterbi re-estimation
// that keep the most used pieces — written as a tokenizer.json with T5's pipeline
// (Precompiled + collapse spaces, WhitespaceSplit + Metaspace, </s> appended, 100 sentinels).
// NOTE: transformers.js' Precompiled normalizer ignores the charsmap, so it is left empty.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SPECIALS = ['<pad>', '</s>', '<unk>'];
const SENTINELS = 100;
const MAX_PIECE_CHARS = 10;

/** Word (with its leading ▁) → count, over the whitespace-separated words of `text`. */
function countWords(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of text.normalize('NFKC').match(/\S+/g) ?? []) {
    const key = '▁' + word;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The most useful seed pieces: every substring up to MAX_PIECE_CHARS, by frequency × length. */
function seedPieces(words: Map<string, number>, limit: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [word, n] of words) {
    for (let i = 0; i < word.length; i++) {
      for (let j = i + 1; j <= Math.min(word.length, i + MAX_PIECE_CHARS); j++) {
        const piece = word.slice(i, j);
        counts.set(piece, (counts.get(piece) ?? 0) + n);
      }
    }
  }
  const ranked = [...counts].sort((a, b) => b[1] * b[0].length - a[1] * a[0].length).slice(0, limit);
  const seeds = new Map(ranked);
  for (const [piece, n] of counts) if (piece.length === 1) seeds.set(piece, n); // no <unk> for seen characters
  return seeds;
}

/** Log-probability scores from usage counts. */
function scores(counts: Map<string, number>): Map<string, number> {
  let total = 0;
  for (const n of counts.values()) total += n;
  return new Map([...counts].map(([piece, n]) => [piece, Math.log(n / total)]));
}

/** The best segmentation of `word` under `score` (Viterbi over piece log-probabilities). */
function viterbi(word: string, score: Map<string, number>): string[] {
  const best = new Float64Array(word.length + 1).fill(-Infinity);
  const from = new Int32Array(word.length + 1);
  best[0] = 0;
  for (let end = 1; end <= word.length; end++) {
    for (let start = Math.max(0, end - MAX_PIECE_CHARS); start < end; start++) {
      const s = score.get(word.slice(start, end));
      if (s !== undefined && best[start] + s > best[end]) {
        best[end] = best[start] + s;
        from[end] = start;
      }
    }
  }
  const pieces: string[] = [];
  for (let end = word.length; end > 0; end = from[end]) pieces.push(word.slice(from[end], end));
  return pieces.reverse();
}

/** Trains at most `size` pieces (those the text uses; sorted by score, best first) on the words of `text`. */
export function trainUnigram(text: string, size: number, rounds = 3): [string, number][] {
  const words = countWords(text);
  let counts = seedPieces(words, size * 4);
  for (let round = 0; round < rounds; round++) {
    const score = scores(counts);
    const used = new Map<string, number>();
    for (const [word, n] of words)
      for (const piece of viterbi(word, score)) used.set(piece, (used.get(piece) ?? 0) + n);
    const singles = [...counts.keys()].filter((p) => p.length === 1);
    const kept = [...used].sort((a, b) => b[1] - a[1]).slice(0, size - singles.length);
    counts = new Map(kept);
    for (const piece of singles) counts.set(piece, Math.max(1, used.get(piece) ?? 0));
  }
  return [...scores(counts)].sort((a, b) => b[1] - a[1]);
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A T5-layout tokenizer.json around `pieces`: specials first, sentinels last (<extra_id_0> on top). */
export function t5TokenizerJson(pieces: readonly [string, number][]): Record<string, unknown> {
  const vocab: [string, number][] = [...SPECIALS.map((s): [string, number] => [s, 0]), ...pieces];
  const first = vocab.length;
  for (let n = SENTINELS - 1; n >= 0; n--) vocab.push([`<extra_id_${n}>`, 0]);
  const metaspace = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      ...SPECIALS.map((s, id) => addedToken(id, s)),
      ...Array.from({ length: SENTINELS }, (_, k) => addedToken(first + k, vocab[first + k][0])),
    ],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Precompiled', precompiled_charsmap: '' },
        { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' },
      ],
    },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, metaspace] },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: metaspace,
    model: { type: 'Unigram', unk_id: 2, vocab, byte_fallback: false },
  };
}

/**
 * Writes a model folder (tokenizer.json, tokenizer_config.json) with at most `size` ids (3
 * specials and trained pieces; the 100 sentinels come on top) trained on the first `sampleMB`
 * MiB of `corpusFile`; returns the folder. Takes tens of seconds.
 */
export function buildStandInTokenizer(corpusFile: string, dir: string, size = 32000, sampleMB = 8): string {
  const text = readFileSync(corpusFile)
    .subarray(0, sampleMB * 1048576)
    .toString('utf8');
  const json = t5TokenizerJson(trainUnigram(text, size - SPECIALS.length));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  const config = {
    tokenizer_class: 'T5Tokenizer',
    model_max_length: 512,
    extra_ids: SENTINELS,
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: '<pad>',
  };
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 1));
  return dir;
}
