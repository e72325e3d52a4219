// The transformers.js layout of a T5 model or checkpoint folder: config.json (with
// "transformers.js_config" saying which files have external data), generation_config.json,
// tokenizer files, onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx, and with
// `quantize: 'int8'` also onnx/*_quantized.onnx (the names `dtype: 'q8'` loads).
// Reference: transformers.js utils/dtypes.js (suffixes), utils/model-loader.js (external data).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QUANTIZED_GRAPH_SUFFIX } from '../../../shared/contract/export';
import type { Graph } from '../onnx/graph';
import { EXTERNAL_DATA_THRESHOLD_BYTES, writeOnnxFile } from '../onnx/write';
import {
  copyTokenizerAndGeneration,
  exportConfigJson,
  readExportSource,
  writeConfigJson,
  type ExportOptions,
} from './hf';
import { quantizeDynamicInt8 } from './quantize';
import { buildExportDecoderMerged, buildExportEncoder } from './t5-onnx';

export interface TransformersJsOptions extends ExportOptions {
  readonly quantize?: 'int8';
  /** Weights above this many bytes per graph go to `<file>_data` (tests force a small one). */
  readonly externalDataThresholdBytes?: number;
}

/** Writes the transformers.js layout into `dest` (an empty folder). */
export async function exportTransformersJs(
  source: string,
  dest: string,
  options: TransformersJsOptions = {},
): Promise<void> {
  const { config, weights } = await readExportSource(source);
  const threshold = options.externalDataThresholdBytes ?? EXTERNAL_DATA_THRESHOLD_BYTES;
  const builders: [string, () => Graph][] = [
    ['encoder_model', () => buildExportEncoder(config, weights.params)],
    ['decoder_model_merged', () => buildExportDecoderMerged(config, weights.params)],
  ];
  const variants = options.quantize === 'int8' ? ['', QUANTIZED_GRAPH_SUFFIX] : [''];
  const total = builders.length * variants.length;
  const external: Record<string, number> = {};
  mkdirSync(join(dest, 'onnx'));
  let done = 0;
  for (const [name, build] of builders) {
    for (const suffix of variants) {
      options.signal?.throwIfAborted();
      const file = `${name}${suffix}.onnx`;
      options.onProgress?.({ stage: `writing onnx/${file}`, done, total });
      const graph = suffix ? quantizeDynamicInt8(build()) : build();
      // Yield between graphs so an abort and progress get through.
      await new Promise((resolve) => setImmediate(resolve));
      if (writeOnnxFile(join(dest, 'onnx', file), graph, threshold).externalData) external[file] = 1;
      done++;
    }
  }
  const json = exportConfigJson(source, config);
  if (Object.keys(external).length > 0) json['transformers.js_config'] = { use_external_data_format: external };
  writeConfigJson(dest, json);
  copyTokenizerAndGeneration(source, dest, config, true);
  options.onProgress?.({ stage: 'done', done: total, total });
}
