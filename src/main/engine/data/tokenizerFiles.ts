// The tokenizer files a folder takes from another: checkpoints from their base, from-scratch
// starting points from their tokenizer, exports from their model. Those the source has are
// copied; a ByT5 folder (byt5Folder.ts), which has no tokenizer.json, gives the byte tokenizer
// written out as files (byteTokenizerFiles.ts) that Python's and transformers.js's fast
// tokenizers both load, with the ids Spanfill trained with.

import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { byteTokenizerConfigFiles, byteTokenizerJson } from './byteTokenizerFiles';
import { isByT5Folder } from './byt5Folder';
import { TOKENIZER_FILES, type TokenizerBytes } from './tokenizer';

/** ByT5's model_max_length (its tokenizer_config.json and the paper's 1024 input bytes). */
const BYT5_MAX_LENGTH = 1024;

/** One tokenizer file for a folder: copied from a file, or written from bytes. */
export type TokenizerFile = { readonly name: string } & ({ readonly from: string } | { readonly bytes: Buffer });

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value, null, 2) + '\n');

/** The byte-level tokenizer's files (tokenizer.json, tokenizer_config.json, special_tokens_map.json). */
export function byteTokenizerFiles(modelMaxLength: number): { readonly name: string; readonly bytes: Buffer }[] {
  const { tokenizerConfig, specialTokensMap } = byteTokenizerConfigFiles(undefined, modelMaxLength);
  return [
    { name: 'tokenizer.json', bytes: json(byteTokenizerJson()) },
    { name: 'tokenizer_config.json', bytes: json(tokenizerConfig) },
    { name: 'special_tokens_map.json', bytes: json(specialTokensMap) },
  ];
}

/** The tokenizer a ByT5 folder is read with: the byte tokenizer's files, as its checkpoints and exports get them. */
export function byt5TokenizerBytes(): TokenizerBytes {
  const files = byteTokenizerFiles(BYT5_MAX_LENGTH);
  const bytesOf = (name: string): Buffer => files.find((file) => file.name === name)?.bytes ?? Buffer.alloc(0);
  return { json: bytesOf('tokenizer.json'), config: bytesOf('tokenizer_config.json') };
}

/** The tokenizer files a folder taking `source`'s tokenizer gets: those it has, or for a ByT5 folder the byte tokenizer's. */
export function tokenizerFilesOf(source: string): TokenizerFile[] {
  if (isByT5Folder(source)) return byteTokenizerFiles(BYT5_MAX_LENGTH);
  return TOKENIZER_FILES.filter((name) => existsSync(join(source, name))).map((name) => ({
    name,
    from: join(source, name),
  }));
}

/** Copies or writes `files` (tokenizerFilesOf) into the folder `dest`. */
export function placeTokenizerFiles(files: readonly TokenizerFile[], dest: string): void {
  for (const file of files) {
    if ('from' in file) copyFileSync(file.from, join(dest, file.name));
    else writeFileSync(join(dest, file.name), file.bytes);
  }
}
