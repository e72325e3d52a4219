// The room an export needs on the disk it writes to, known before it writes anything: its
// model's weights as float32 (every format writes each parameter at least once: hf's
// model.safetensors, the ONNX graphs' initializers of transformers.js, an accelerate job's
// base_model/) and the tokenizer files it copies. A lower bound: config.json, the manifest,
// transformers.js's int8 graphs and an accelerate job's documents come on top, so an export
// refused for want of it could never have been written there.

import { statSync } from 'node:fs';
import { tokenizerFilesOf } from '../data/tokenizerFiles';
import { BYTES } from '../formats/safetensorsHeader';
import { loadT5Config } from '../t5/config';
import { countParams, t5ParamShapes } from '../t5/params';
import { EXPORT_WEIGHTS_DTYPE } from './hf';

/** The least an export of the model or checkpoint folder `source` writes, in bytes (see above). */
export function exportRoomNeeded(source: string): number {
  const weights = countParams(t5ParamShapes(loadT5Config(source))) * BYTES[EXPORT_WEIGHTS_DTYPE];
  const tokenizer = tokenizerFilesOf(source).reduce(
    (sum, file) => sum + ('from' in file ? statSync(file.from).size : file.bytes.length),
    0,
  );
  return weights + tokenizer;
}
