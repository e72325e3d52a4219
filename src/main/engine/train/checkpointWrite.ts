// Writing a training checkpoint (engine/train/checkpoint.ts says what it holds): in a hidden
// temporary folder, every file fsynced, then renamed into place, so it is whole or absent; one
// of the same step already there (a re-run, or an unreadable one) is set aside first and
// deleted only once the new one is in place.

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tokenizerFilesOf } from '../data/tokenizerFiles';
import { encodeSafetensors, writeFileAtomic } from '../formats/safetensors';
import { saveT5Model, weightsFromParams } from '../t5/weights';
import {
  checkpointDirName,
  type CheckpointContent,
  generationConfig,
  OPTIMIZER_FILE,
  TRAINER_STATE_FILE,
} from './checkpoint';
import { copyDurably, fsyncPath, removeLeftover, setAside } from './checkpointFolders';

function jsonBytes(value: unknown): Uint8Array[] {
  return [Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8')];
}

/** Writes a checkpoint for `content.state.step` under `root`; returns its folder. */
export function writeCheckpoint(root: string, content: CheckpointContent): string {
  mkdirSync(root, { recursive: true });
  const name = checkpointDirName(content.state.step);
  const final = join(root, name);
  const temp = join(root, `.${name}.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  let replaced: string | null = null;
  try {
    writeContent(temp, content);
    fsyncPath(temp);
    // A checkpoint of the same step (a re-run, or an unreadable one) makes way, kept until the new one is in place.
    replaced = setAside(final);
    renameSync(temp, final);
    fsyncPath(root);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (replaced !== null && !existsSync(final)) renameSync(replaced, final);
    throw error;
  }
  if (replaced !== null) removeLeftover(replaced);
  return final;
}

function writeContent(temp: string, content: CheckpointContent): void {
  const weights = weightsFromParams(content.config, content.params);
  saveT5Model(temp, content.config, weights, { baseConfig: content.baseConfigJson });
  const generation = content.tokenizerDir ? join(content.tokenizerDir, 'generation_config.json') : null;
  if (generation && existsSync(generation)) copyDurably(generation, join(temp, 'generation_config.json'));
  else writeFileAtomic(join(temp, 'generation_config.json'), jsonBytes(generationConfig(content.config)));
  for (const file of content.tokenizerDir ? tokenizerFilesOf(content.tokenizerDir) : []) {
    if ('from' in file) copyDurably(file.from, join(temp, file.name));
    else writeFileAtomic(join(temp, file.name), [file.bytes]);
  }
  const optimizer = Object.entries(content.optimizer).map(([tensorName, t]) => ({
    name: tensorName,
    shape: t.dims,
    data: t.data as Float32Array,
  }));
  const metadata = { format: 'spanfill-optimizer', step: String(content.state.step) };
  writeFileAtomic(join(temp, OPTIMIZER_FILE), encodeSafetensors(optimizer, 'F32', metadata));
  writeFileAtomic(join(temp, TRAINER_STATE_FILE), jsonBytes(content.state));
}
