// One tokenizer interface for the data pipeline: HF tokenizers loaded offline from a model
// folder through @huggingface/transformers' AutoTokenizer (tokenizer.json), and a
// byte-level tokenizer in the ByT5 layout (Xue et al. 2021, arXiv:2105.13626): pad 0, EOS 1,
// unk 2, byte b → b + 3, then 125 sentinels at the top, <extra_id_0> = 383 counting down —
// the ids HF FlaxDataCollatorForT5MLM's `len(tokenizer) − k` gives. Not model loading.
// HF tokenizers with a T5-style pipeline encode through a per-word memo (wordMemo.ts) when
// wordMemoPlan.ts shows that gives the same ids, which makes large datasets several times faster.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { TextDecoder } from 'node:util';
import { AsciiUnigram } from './asciiUnigram';
import { DataError } from './errors';
import { MissingTokenizerError } from './missingTokenizer';
import { WordMemo } from './wordMemo';
import { planWordMemo } from './wordMemoPlan';
import { errorMessage } from '../../../shared/errors';

/**
 * The files a model folder keeps its tokenizer in (Hugging Face's names), each copied when
 * present wherever a folder takes another's tokenizer (checkpoints, preset folders, exports).
 */
export const TOKENIZER_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'spiece.model',
  'added_tokens.json',
] as const;

export interface TextTokenizer {
  /** Shown to people: the model folder's name (a Hub download's repository), or "bytes (ByT5 layout)". */
  readonly name: string;
  /** Changes whenever the ids a text maps to could change (sha256 hex). */
  readonly fingerprint: string;
  /** One more than the largest id (HF `len(tokenizer)`). */
  readonly vocabSize: number;
  readonly padId: number;
  readonly eosId: number;
  readonly unkId: number;
  /**
   * The id text outside the vocabulary becomes (<unk>, `unkId`), counted and reported
   * (unknownTokens.ts); null when no text can become it (byte-level: every character is bytes).
   */
  readonly unknownId: number | null;
  /** How many <extra_id_N> sentinels exist (100 for T5, 125 for ByT5). */
  readonly sentinelCount: number;
  /** Id of <extra_id_n>; throws past `sentinelCount`. */
  sentinelId(n: number): number;
  /** Token ids of `text`, without EOS. Literal special tokens in the text map to their ids. */
  encode(text: string): number[];
  /** Text of `ids`, special tokens written out (<extra_id_0>, </s>). */
  decode(ids: ArrayLike<number>): string;
  /** Pad, EOS and sentinels: ids span corruption adds itself. */
  isReservedId(id: number): boolean;
  /** How `encode` works, for benches and logs. Absent: the whole text at once. */
  readonly encoding?: TokenizerEncoding;
}

export type TokenizerEncoding =
  | { readonly mode: 'per-word-memo'; readonly memo: WordMemo }
  | { readonly mode: 'whole-text'; readonly reason: string }
  /** A folder whose tokenizer files are the byte tokenizer's, encoded as bytes (byteLevelTokenizer.ts). */
  | { readonly mode: 'byte-level' };

/** Text that reads like a special token: a sentinel, the end mark, padding, unknown. */
export const LITERAL_SPECIAL_TEXT = /<extra_id_\d+>|<\/s>|<pad>|<unk>/g;

export interface TrainingTokens {
  readonly ids: number[];
  /** Literal special tokens (</s>, <extra_id_3>, …) found in the text and removed. */
  readonly droppedSpecialTokens: number;
}

/**
 * Ids for training. NOTE: a literal "<extra_id_0>" or "</s>" in a person's text would
 * collide with the sentinels and EOS the objective inserts, so such ids are dropped and
 * counted (the text around them is kept); the preview and stats report the count.
 */
export function encodeForTraining(tokenizer: TextTokenizer, text: string): TrainingTokens {
  const ids = tokenizer.encode(text);
  let kept = 0;
  for (let i = 0; i < ids.length; i++) if (!tokenizer.isReservedId(ids[i])) ids[kept++] = ids[i];
  const dropped = ids.length - kept;
  ids.length = kept;
  return { ids, droppedSpecialTokens: dropped };
}

export const BYTE_TOKENIZER_EXTRA_IDS = 125;

export function createByteTokenizer(): TextTokenizer {
  const offset = 3;
  const vocabSize = offset + 256 + BYTE_TOKENIZER_EXTRA_IDS; // 384
  const names = ['<pad>', '</s>', '<unk>'];
  // NOTE: ignoreBOM keeps a U+FEFF that starts a run: encode keeps it as bytes, as HF's ByteLevel decoder does.
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  const sentinelId = (n: number): number => {
    if (!Number.isInteger(n) || n < 0 || n >= BYTE_TOKENIZER_EXTRA_IDS) {
      throw new RangeError(
        `Sentinel <extra_id_${n}> does not exist; the byte tokenizer has ${BYTE_TOKENIZER_EXTRA_IDS}`,
      );
    }
    return vocabSize - 1 - n;
  };
  // An id outside the vocabulary reads as <unk>, as in HF tokenizers.
  const specialName = (id: number): string =>
    id >= 0 && id < offset ? names[id] : id >= offset && id < vocabSize ? `<extra_id_${vocabSize - 1 - id}>` : names[2];
  return {
    name: 'bytes (ByT5 layout)',
    fingerprint: createHash('sha256').update('spanfill-byte-tokenizer-v1').digest('hex'),
    vocabSize,
    padId: 0,
    eosId: 1,
    unkId: 2,
    unknownId: null,
    sentinelCount: BYTE_TOKENIZER_EXTRA_IDS,
    sentinelId,
    encode(text: string): number[] {
      const bytes = Buffer.from(text, 'utf8');
      const ids = new Array<number>(bytes.length);
      for (let i = 0; i < bytes.length; i++) ids[i] = bytes[i] + offset;
      return ids;
    },
    decode(ids: ArrayLike<number>): string {
      let out = '';
      let run: number[] = [];
      const flush = (): void => {
        if (run.length > 0) out += utf8.decode(Uint8Array.from(run));
        run = [];
      };
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (id >= offset && id < offset + 256) run.push(id - offset);
        else {
          flush();
          out += specialName(id);
        }
      }
      flush();
      return out;
    },
    isReservedId: (id) => id === 0 || id === 1 || id >= offset + 256,
  };
}

/** The slice of transformers.js' tokenizer object we use (it ships loose typings). */
interface HfTokenizerLike {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  decode(ids: number[], options: { skip_special_tokens: boolean }): string;
  get_vocab(): Map<string, number> | Record<string, number>;
  eos_token_id?: number | null;
  pad_token_id?: number | null;
  unk_token_id?: number | null;
}

let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * transformers.js reads its settings from a global `env`; loads run one at a time. NOTE: the
 * folder goes in as an absolute path: given a name under env.localModelPath, transformers.js
 * looks for a folder whose name is not a valid Hub model id ("t5 (1)", "model-") relative to
 * the working directory instead, and the load fails.
 */
async function loadWithTransformers(modelDir: string): Promise<HfTokenizerLike> {
  const run = async (): Promise<HfTokenizerLike> => {
    const { AutoTokenizer, env } = await import('@huggingface/transformers');
    const saved = { allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels };
    try {
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      const tok: unknown = await AutoTokenizer.from_pretrained(modelDir, { local_files_only: true });
      return tok as HfTokenizerLike;
    } finally {
      Object.assign(env, saved);
    }
  };
  const next = loadQueue.then(run, run);
  loadQueue = next.catch(() => undefined);
  return next;
}

/**
 * A model folder as people know it: its name, or for a snapshot in Spanfill's Hub cache
 * (models--OWNER--NAME/snapshots/COMMIT, engine/hub/cache.ts) the repository, not the commit.
 */
function folderName(dir: string): string {
  const snapshot = /models--([^/\\]+?)--([^/\\]+)[/\\]snapshots[/\\][0-9a-f]+[/\\]?$/.exec(dir);
  return snapshot ? `${snapshot[1]}/${snapshot[2]}` : basename(dir);
}

export interface HfTokenizerOptions {
  /** Encode per word through a memo where that is exact (default true); false: whole texts. */
  readonly wordMemo?: boolean;
}

/** The transformers.js tokenizer in `dir`, with a message that says what to do when it cannot load. */
async function openHfTokenizer(dir: string, jsonPath: string): Promise<HfTokenizerLike> {
  if (!existsSync(dir)) {
    throw new DataError(
      'tokenizer',
      `Model folder ${dir} does not exist; give a model folder that holds tokenizer.json, or "bytes" for the byte-level tokenizer`,
      dir,
    );
  }
  if (!existsSync(jsonPath)) throw new MissingTokenizerError(dir);
  try {
    // transformers.js' AutoTokenizer needs tokenizer_config.json (it reads its tokenizer_class);
    // Python's loads a folder without one, as the plain fast tokenizer of tokenizer.json, which
    // constructTokenizer builds.
    if (!existsSync(join(dir, 'tokenizer_config.json'))) return await constructTokenizer(readTokenizerBytes(dir));
    return await loadWithTransformers(dir);
  } catch (e) {
    const why = unparsableJson([jsonPath, join(dir, 'tokenizer_config.json')]) ?? errorMessage(e);
    throw new DataError('tokenizer', `Could not load the tokenizer in ${dir}: ${why}`, dir);
  }
}

/** Which of `paths` (those that exist) is not valid JSON, and why; null when all parse. */
function unparsableJson(paths: readonly string[]): string | null {
  for (const path of paths) {
    if (!existsSync(path)) continue;
    try {
      JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      return `${path} is not valid JSON (${errorMessage(e)})`;
    }
  }
  return null;
}

/** Tokenizer files given as bytes rather than read from the folder (a ByT5 folder's, tokenizerFiles.ts). */
export interface TokenizerBytes {
  readonly json: Buffer;
  readonly config: Buffer | null;
}

/** The folder's tokenizer.json and tokenizer_config.json (its config null when it has none); null without a readable tokenizer.json. */
export function tokenizerBytesIn(dir: string): TokenizerBytes | null {
  try {
    return readTokenizerBytes(dir);
  } catch {
    return null;
  }
}

/** What tells one tokenizer's files from another's: the token caches it selects are named by it (sha256 hex). */
export function hfTokenizerFingerprint(files: TokenizerBytes): string {
  const hash = createHash('sha256').update('hf-tokenizer-v1\0').update(files.json);
  if (files.config !== null) hash.update(files.config);
  return hash.digest('hex');
}

/** The folder's tokenizer.json and tokenizer_config.json (null when it has none). */
function readTokenizerBytes(dir: string): TokenizerBytes {
  const configPath = join(dir, 'tokenizer_config.json');
  return {
    json: readFileSync(join(dir, 'tokenizer.json')),
    config: existsSync(configPath) ? readFileSync(configPath) : null,
  };
}

/** transformers.js' tokenizer built from file contents, as AutoTokenizer builds PreTrainedTokenizerFast's. */
async function constructTokenizer(given: TokenizerBytes): Promise<HfTokenizerLike> {
  const { PreTrainedTokenizer } = await import('@huggingface/transformers');
  const config: unknown = given.config === null ? {} : JSON.parse(given.config.toString('utf8'));
  return new PreTrainedTokenizer(JSON.parse(given.json.toString('utf8')), config) as unknown as HfTokenizerLike;
}

/**
 * Loads `modelDir/tokenizer.json` (+ tokenizer_config.json) offline, or the `given` files in
 * their place (then named after `modelDir` all the same).
 */
export async function loadHfTokenizer(
  modelDir: string,
  options: HfTokenizerOptions = {},
  given?: TokenizerBytes,
): Promise<TextTokenizer> {
  const dir = resolve(modelDir);
  const tok = given ? await constructTokenizer(given) : await openHfTokenizer(dir, join(dir, 'tokenizer.json'));
  const vocab = tok.get_vocab();
  const entries: [string, number][] = vocab instanceof Map ? [...vocab.entries()] : Object.entries(vocab);
  const byToken = new Map(entries);
  const vocabSize = entries.reduce((m, [, id]) => Math.max(m, id + 1), 0);
  const sentinels: number[] = [];
  for (let n = 0; byToken.has(`<extra_id_${n}>`); n++) sentinels.push(byToken.get(`<extra_id_${n}>`) ?? -1);
  const eosId = tok.eos_token_id ?? byToken.get('</s>') ?? 1;
  const padId = tok.pad_token_id ?? byToken.get('<pad>') ?? 0;
  // A flag per id, not a Set: encodeForTraining asks once per token of a whole dataset.
  const reserved = new Uint8Array(vocabSize);
  for (const id of [...sentinels, eosId, padId]) if (id >= 0 && id < vocabSize) reserved[id] = 1;
  const files = given ?? readTokenizerBytes(dir);
  const { json: jsonBytes, config: configBytes } = files;
  const plainEncode = (text: string): number[] => tok.encode(text, { add_special_tokens: false });
  const encoding: TokenizerEncoding =
    options.wordMemo === false
      ? { mode: 'whole-text', reason: 'the per-word memo is off' }
      : chooseEncoding(plainEncode, jsonBytes, configBytes);
  return {
    name: folderName(dir),
    fingerprint: hfTokenizerFingerprint(files),
    vocabSize,
    padId,
    eosId,
    unkId: tok.unk_token_id ?? byToken.get('<unk>') ?? 2,
    unknownId: tok.unk_token_id ?? byToken.get('<unk>') ?? null,
    sentinelCount: sentinels.length,
    sentinelId(n: number): number {
      if (!Number.isInteger(n) || n < 0 || n >= sentinels.length) {
        throw new RangeError(`Sentinel <extra_id_${n}> does not exist; ${basename(dir)} has ${sentinels.length}`);
      }
      return sentinels[n];
    },
    encode: encoding.mode === 'per-word-memo' ? (text) => encoding.memo.encode(text) : plainEncode,
    decode: (ids) => (ids.length === 0 ? '' : tok.decode(Array.from(ids), { skip_special_tokens: false })),
    isReservedId: (id) => reserved[id] === 1,
    encoding,
  };
}

/** Text the per-word memo must encode exactly as the whole-text encoder does before it is used. */
const MEMO_PROBE =
  'The  cat\tsat\u00a0on \u2003the\nmat</s>.<extra_id_0> x\u000by na\u0308ive \u00a8 Ｆｕｌｌ 東京 😀 </s><unk> ▁a \u200b';

/**
 * The per-word memo when the declared pipeline allows it (planWordMemo) and a probe text
 * encodes the same both ways (a guard against a transformers.js that behaves otherwise).
 */
function chooseEncoding(
  plainEncode: (text: string) => number[],
  jsonBytes: Buffer,
  configBytes: Buffer | null,
): TokenizerEncoding {
  let plan;
  let json: unknown;
  try {
    const config: unknown = configBytes === null ? {} : JSON.parse(configBytes.toString('utf8'));
    json = JSON.parse(jsonBytes.toString('utf8'));
    plan = planWordMemo(json, config);
  } catch (e) {
    return { mode: 'whole-text', reason: `could not read the pipeline: ${errorMessage(e)}` };
  }
  if (!plan.isExact) return { mode: 'whole-text', reason: plan.reason };
  const words = new AsciiUnigram(json as Record<string, unknown>);
  const encodeWord = (chunk: string): number[] => words.encode(chunk) ?? plainEncode(chunk);
  const probe = new WordMemo(encodeWord, plan.boundaries).encode(MEMO_PROBE);
  if (probe.join() !== plainEncode(MEMO_PROBE).join()) {
    return { mode: 'whole-text', reason: 'a probe text encoded differently word by word' };
  }
  return { mode: 'per-word-memo', memo: new WordMemo(encodeWord, plan.boundaries) };
}
