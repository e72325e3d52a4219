// writeOnnxFile: weights inline below the threshold, in `<file>_data` (ONNX external data)
// above it, and ONNX Runtime loading both from their paths with identical results.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildExportEncoder } from '../../../../src/main/engine/export/t5-onnx';
import { EngineSession, type HostTensor } from '../../../../src/main/engine/onnx/session';
import { writeOnnxFile } from '../../../../src/main/engine/onnx/write';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { FIXTURES } from '../t5/helpers';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-onnx-');

const i64 = (rows: number[][]): HostTensor => ({
  dtype: 'int64',
  dims: [rows.length, rows[0].length],
  data: BigInt64Array.from(rows.flat(), BigInt),
});

describe('writeOnnxFile', () => {
  it('writes weights as external data past the threshold, and ONNX Runtime loads them from the path', async () => {
    const { config, weights } = loadT5Model(join(FIXTURES, 't5-tiny-relu'));
    const dir = tempDir();
    const inline = writeOnnxFile(join(dir, 'inline.onnx'), buildExportEncoder(config, weights.params));
    const external = writeOnnxFile(join(dir, 'encoder_model.onnx'), buildExportEncoder(config, weights.params), 1000);
    expect(inline.externalData).toBeNull();
    expect(external.externalData).toBe('encoder_model.onnx_data');
    expect(existsSync(join(dir, 'inline.onnx_data'))).toBe(false);
    expect(statSync(join(dir, 'encoder_model.onnx')).size).toBeLessThan(statSync(join(dir, 'inline.onnx')).size / 4);
    const feeds = { input_ids: i64([[5, 6, 7, 1]]), attention_mask: i64([[1, 1, 1, 1]]) };
    const a = await (await EngineSession.create(inline.path)).runHost(feeds);
    const b = await (await EngineSession.create(external.path)).runHost(feeds);
    expect([...(b.last_hidden_state.data as Float32Array)]).toEqual([...(a.last_hidden_state.data as Float32Array)]);
  });
});
