// The ONNX-only layout check: which files are graphs, and the advice naming at most two of them.

import { describe, expect, it } from 'vitest';
import { onnxGraphs, onnxOnlyAdvice } from '../../../../src/main/engine/formats/onnxOnly';

describe('onnxGraphs / onnxOnlyAdvice', () => {
  it('finds .onnx files at any depth and nothing else', () => {
    expect(onnxGraphs(['config.json', 'onnx/encoder_model.onnx', 'onnx/x.onnx_data', 'model.onnx'])).toEqual([
      'onnx/encoder_model.onnx',
      'model.onnx',
    ]);
    expect(onnxGraphs(['config.json', 'model.safetensors'])).toEqual([]);
  });

  it('names two graphs and marks the rest', () => {
    expect(onnxOnlyAdvice(['a.onnx'])).toMatch(/^it holds ONNX graphs \(a\.onnx\), /);
    expect(onnxOnlyAdvice(['a.onnx', 'b.onnx', 'c.onnx'])).toMatch(/^it holds ONNX graphs \(a\.onnx, b\.onnx, …\), /);
  });

  it('says briefly what is wrong and what to use instead', () => {
    expect(onnxOnlyAdvice(['onnx/encoder_model.onnx'])).toBe(
      'it holds ONNX graphs (onnx/encoder_model.onnx), which Spanfill cannot train or fill from; use the model ' +
        'they were made from (its model card names it; for a Spanfill export, its run)',
    );
  });
});
