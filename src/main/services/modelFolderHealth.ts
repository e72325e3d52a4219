// Whether a model folder can be used, from its cheap parts only: config.json read and checked
// (loadT5Config) and each weights file's header (its tensors' byte ranges against the file's
// length: a truncated file fails here), never the weights themselves. For `models show` and
// the `models` list: a registered model's shape is shown as it was registered, so a folder
// damaged since would otherwise look whole until a command used it.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../shared/errors';
import { readSafetensorsFile } from '../engine/formats/safetensors';
import { loadT5Config } from '../engine/t5/config';
import { INDEX_FILE, SINGLE_FILE } from '../engine/t5/weights';

/** What is wrong with the model folder `dir` that using it would meet; null when it reads. */
export function modelFolderDamage(dir: string): string | null {
  try {
    loadT5Config(dir);
    for (const file of weightFiles(dir)) readSafetensorsFile(file);
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

/** The folder's safetensors files: the single file, else the shards its index names. */
function weightFiles(dir: string): string[] {
  const single = path.join(dir, SINGLE_FILE);
  if (existsSync(single)) return [single];
  const index = path.join(dir, INDEX_FILE);
  if (!existsSync(index)) throw new Error(`No ${SINGLE_FILE} or ${INDEX_FILE} in ${dir}`);
  let map: unknown;
  try {
    map = (JSON.parse(readFileSync(index, 'utf8')) as { weight_map?: unknown }).weight_map;
  } catch (error) {
    throw new Error(`${index} is not valid JSON: ${errorMessage(error)}`);
  }
  if (typeof map !== 'object' || map === null) throw new Error(`${index} has no "weight_map" object`);
  const shards = new Set(Object.values(map).filter((shard): shard is string => typeof shard === 'string'));
  return [...shards].map((shard) => {
    const file = path.join(dir, path.basename(shard));
    if (!existsSync(file))
      throw new Error(`${INDEX_FILE} in ${dir} lists shard '${shard}', which is not in the folder`);
    return file;
  });
}
