// A model folder laid out as Google's ByT5 checkpoints are once saved by Python transformers:
// config.json and model.safetensors (here the built-in byte-level model's), and a
// tokenizer_config.json naming ByT5Tokenizer, with no tokenizer.json (the class is Python-only).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { materializeBuiltinModel } from '../../src/main/engine/t5/builtin';

/** Writes a ByT5-layout folder into `dir` (made when missing); returns `dir`. */
export function writeByT5Folder(dir: string): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-byt5-data-'));
  try {
    const builtin = materializeBuiltinModel(dataDir);
    fs.mkdirSync(dir, { recursive: true });
    for (const name of ['config.json', 'model.safetensors', 'generation_config.json'])
      fs.copyFileSync(path.join(builtin, name), path.join(dir, name));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const extraIds = Array.from({ length: 125 }, (_, n) => `<extra_id_${n}>`);
  const tokenizerConfig = {
    tokenizer_class: 'ByT5Tokenizer',
    extra_ids: 125,
    eos_token: '</s>',
    pad_token: '<pad>',
    unk_token: '<unk>',
    additional_special_tokens: extraIds,
    model_max_length: 1e30, // what transformers writes when a tokenizer sets none
  };
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  fs.writeFileSync(
    path.join(dir, 'special_tokens_map.json'),
    JSON.stringify({ eos_token: '</s>', pad_token: '<pad>', unk_token: '<unk>', additional_special_tokens: extraIds }),
  );
  return dir;
}
