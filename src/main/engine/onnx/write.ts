// Writes a graph as an .onnx file, with the weights in an external-data file beside it
// (`<file>_data`, the name @huggingface/transformers looks for) when they pass the threshold:
// protobuf caps one message at 2 GiB. Reference: ONNX IR.md "External Tensor Data".

import { basename } from 'node:path';
import { writeFileAtomic } from '../formats/safetensors';
import type { Graph } from './graph';
import { serializeModel, serializeModelExternal } from './serialize';

/** Weights above this many bytes go to external data (under protobuf's 2 GiB with room for nodes). */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 1.9 * 2 ** 30;

export interface OnnxFileWritten {
  readonly path: string;
  /** The external-data file's name (beside the model), or null when the weights are inline. */
  readonly externalData: string | null;
  readonly bytes: number;
}

export function writeOnnxFile(path: string, g: Graph, thresholdBytes = EXTERNAL_DATA_THRESHOLD_BYTES): OnnxFileWritten {
  if (g.initializerBytes() <= thresholdBytes) {
    const model = serializeModel(g);
    writeFileAtomic(path, [model]);
    return { path, externalData: null, bytes: model.length };
  }
  const location = `${basename(path)}_data`;
  const { model, data } = serializeModelExternal(g, location);
  writeFileAtomic(`${path}_data`, data);
  writeFileAtomic(path, [model]);
  return { path, externalData: location, bytes: model.length + data.reduce((n, c) => n + c.length, 0) };
}
