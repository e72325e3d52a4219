// A run from `preset:NAME`: a T5 shape of config.ts, sized to a chosen tokenizer (its
// vocabulary, pad/EOS ids, sentinels that fit), with seeded random weights, written as an
// ordinary HF folder (builtin.ts's writer) so the trainer treats it like any model folder.
// An estimate needs only the shape: materializePresetShape writes config.json and the
// tokenizer files (kilobytes) without weights, once per preset and tokenizer, where a model
// folder is hundreds of MB per seed (t5-base's 850 MB).

import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { PRESET_PREFIX } from '../../../shared/contract/runs';
import { errorMessage } from '../../../shared/errors';
import { MissingTokenizerError } from '../data/missingTokenizer';
import type { TextTokenizer } from '../data/tokenizer';
import { placeTokenizerFiles, tokenizerFilesOf } from '../data/tokenizerFiles';
import { BYTE_TOKENIZER_NAME } from '../../../shared/contract/datasets';
import { openTokenizer } from '../data/tokenizerRegistry';
import { FOLDER_FORMAT, materializeFolder, materializeRandomModel, writeByteTokenizer } from './builtin';
import { t5Preset, type T5Config } from './config';
import { saveT5Config } from './weights';

/** The tokenizer, not the preset, is at fault (callers name the `tokenizer` field). */
export class PresetTokenizerError extends Error {}

/** A preset's config sized to `tokenizer`: its vocabulary, pad/EOS ids, and sentinels that fit. */
function presetConfig(model: string, tokenizer: TextTokenizer, tokenizerSpec: string): T5Config {
  const shape = t5Preset(model.slice(PRESET_PREFIX.length));
  if (tokenizer.sentinelCount < 1)
    throw new PresetTokenizerError(
      `tokenizer ${tokenizerSpec} has no <extra_id_N> sentinel tokens, which span corruption needs; use a T5 tokenizer's folder or ${BYTE_TOKENIZER_NAME}`,
    );
  for (let n = 0; n < tokenizer.sentinelCount; n++) {
    const id = tokenizer.sentinelId(n);
    if (id >= tokenizer.vocabSize || id === tokenizer.padId || id === tokenizer.eosId)
      throw new PresetTokenizerError(
        `tokenizer ${tokenizerSpec}: <extra_id_${n}> has id ${id}, which does not fit its vocabulary of ${tokenizer.vocabSize} (or is pad/EOS); use a T5 tokenizer's folder or ${BYTE_TOKENIZER_NAME}`,
      );
  }
  return {
    ...shape,
    vocabSize: tokenizer.vocabSize,
    padTokenId: tokenizer.padId,
    eosTokenId: tokenizer.eosId,
    eosTokenIds: [tokenizer.eosId],
    decoderStartTokenId: tokenizer.padId,
  };
}

/** What a preset folder is made of: the config, the tokenizer, and how to write its files. */
async function presetSource(model: string, tokenizerSpec: string) {
  const isBytes = tokenizerSpec === BYTE_TOKENIZER_NAME;
  let tokenizer: TextTokenizer;
  try {
    tokenizer = await openTokenizer(tokenizerSpec);
  } catch (error) {
    // A model from scratch needs no particular tokenizer: the byte-level one does where the folder
    // has none. One with SentencePiece's file (to convert) has the vocabulary that was asked for.
    const bytes = error instanceof MissingTokenizerError && !error.hasSentencePiece;
    throw new PresetTokenizerError(
      `${errorMessage(error)}${bytes ? `, or use ${BYTE_TOKENIZER_NAME} (the byte-level tokenizer)` : ''}`,
    );
  }
  return {
    config: presetConfig(model, tokenizer, tokenizerSpec),
    tokenizer,
    marker: { tokenizer: isBytes ? BYTE_TOKENIZER_NAME : resolve(tokenizerSpec) },
    writeTokenizer: (out: string): void => {
      if (isBytes) return writeByteTokenizer(out, 1024);
      placeTokenizerFiles(tokenizerFilesOf(tokenizerSpec), out);
    },
  };
}

/** The folder under `parentDir` for `model` with these inputs: named by a hash of them, so the same inputs reuse it. */
function presetFolder(parentDir: string, model: string, made: Record<string, unknown>, suffix = '') {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ format: FOLDER_FORMAT, model, ...made }))
    .digest('hex');
  return {
    fingerprint,
    dir: join(parentDir, `${model.slice(PRESET_PREFIX.length)}${suffix}-${fingerprint.slice(0, 12)}`),
  };
}

/**
 * `preset:NAME` (a shape of engine/t5/config.ts) with randomly initialised weights from `seed`
 * and `tokenizerSpec`'s tokenizer (a folder holding tokenizer.json, or `bytes`), written as an HF
 * folder under `parentDir`.
 */
export async function materializePresetModel(
  parentDir: string,
  model: string,
  tokenizerSpec: string,
  seed: number,
): Promise<string> {
  const source = await presetSource(model, tokenizerSpec);
  const { dir, fingerprint } = presetFolder(parentDir, model, { seed, tokenizer: source.tokenizer.fingerprint });
  return materializeRandomModel(dir, { ...source, seed, name: model, fingerprint });
}

/**
 * The same preset's shape without weights: config.json and the tokenizer files (the same files
 * as materializePresetModel's, so the same token cache), under `parentDir`, one folder per
 * preset and tokenizer whatever the seed. Enough for what reads a model's config and tokenizer
 * only (an estimate); nothing can load it as a model.
 */
export async function materializePresetShape(parentDir: string, model: string, tokenizerSpec: string): Promise<string> {
  const source = await presetSource(model, tokenizerSpec);
  const made = { shapeOnly: true, tokenizer: source.tokenizer.fingerprint };
  const { dir, fingerprint } = presetFolder(parentDir, model, made, '-shape');
  return materializeFolder(dir, fingerprint, { model, ...source.marker }, (temp) => {
    // The same config.json the seeded folder gets (builtin.ts writeRandomModel), without its weights.
    saveT5Config(temp, source.config, { _name_or_path: model });
    source.writeTokenizer(temp);
  });
}
