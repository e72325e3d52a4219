// The room an export of a fixture folder needs, worked out from the folder itself (not by the
// code under test): its weights as float32, by the shapes in its model.safetensors header, and
// the tokenizer files an export copies.

import fs from 'node:fs';
import path from 'node:path';

const TOKENIZER = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'spiece.model'];

/** Bytes `folder`'s export needs at the least (a single model.safetensors, tied embeddings: no aliases in it). */
export function roomNeededFor(folder: string): number {
  const file = fs.readFileSync(path.join(folder, 'model.safetensors'));
  const header = JSON.parse(file.subarray(8, 8 + Number(file.readBigUInt64LE(0))).toString('utf8')) as Record<
    string,
    { shape?: number[] }
  >;
  const values = Object.values(header)
    .map((tensor) => (tensor.shape ? tensor.shape.reduce((a, b) => a * b, 1) : 0))
    .reduce((a, b) => a + b, 0);
  const tokenizer = TOKENIZER.filter((name) => fs.existsSync(path.join(folder, name)));
  return values * 4 + tokenizer.reduce((n, name) => n + fs.statSync(path.join(folder, name)).size, 0);
}
