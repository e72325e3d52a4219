// Which files a pull fetches, and the message for a repository Spanfill cannot read.

import { describe, expect, it } from 'vitest';
import { MissingFilesError, selectRepoFiles, shardsFromIndex } from '../../../../src/main/engine/hub/files';

describe('selectRepoFiles', () => {
  it('takes config, tokenizer, the optional tokenizer/generation files and the weights, nothing else', () => {
    const repo = [
      'README.md',
      'config.json',
      'model.safetensors',
      'pytorch_model.bin',
      'tokenizer.json',
      'spiece.model',
      'generation_config.json',
      'onnx/encoder_model.onnx',
    ];
    expect(selectRepoFiles('o/n', repo)).toEqual([
      'config.json',
      'tokenizer.json',
      'generation_config.json',
      'model.safetensors',
    ]);
  });

  it('takes the sharded index when there is no single weights file', () => {
    expect(selectRepoFiles('o/n', ['config.json', 'tokenizer.json', 'model.safetensors.index.json'])).toContain(
      'model.safetensors.index.json',
    );
  });

  it('says what a spiece.model-only repository lacks and gives the Python that makes tokenizer.json, packages first', () => {
    const repo = ['config.json', 'model.safetensors', 'spiece.model', 'tokenizer_config.json'];
    expect(() => selectRepoFiles('google/t5-v1_1-small', repo)).toThrow(MissingFilesError);
    expect(() => selectRepoFiles('google/t5-v1_1-small', repo)).toThrow(
      /lacks .*\n- tokenizer\.json \(it has only the SentencePiece spiece\.model\); make one with Python \(pip install transformers sentencepiece protobuf\):\nfrom transformers import AutoTokenizer\ntok = AutoTokenizer\.from_pretrained\("google\/t5-v1_1-small", use_fast=True\)[^\n]*\ntok\.save_pretrained\("my-model"\)/,
    );
  });

  it('names PyTorch-only weights as unreadable and says how to write safetensors', () => {
    expect(() => selectRepoFiles('o/n', ['config.json', 'tokenizer.json', 'pytorch_model.bin'])).toThrow(
      /model\.safetensors or model\.safetensors\.index\.json \(it has pytorch_model\.bin, which Spanfill does not read\); make one with:\n.*\n.*from_pretrained\("o\/n"\)\.save_pretrained\("my-model"\).*\nAutoTokenizer\.from_pretrained\("o\/n"\)\.save_pretrained\("my-model"\) .*`spanfill models import my-model`/,
    );
  });
  it('names a repository of ONNX graphs only (transformers.js layout) and where the weights are', () => {
    const files = ['config.json', 'tokenizer.json', 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx'];
    expect(() => selectRepoFiles('Xenova/t5-small', [...files, 'onnx/decoder_model_merged_quantized.onnx'])).toThrow(
      /model\.safetensors or model\.safetensors\.index\.json: it holds ONNX graphs \(onnx\/encoder_model\.onnx, onnx\/decoder_model_merged\.onnx, …\), which Spanfill cannot train or fill from; use the model they were made from \(its model card names it/,
    );
  });
});

describe('shardsFromIndex', () => {
  const index = JSON.stringify({
    metadata: {},
    weight_map: {
      a: 'model-00001-of-00002.safetensors',
      b: 'model-00002-of-00002.safetensors',
      c: 'model-00001-of-00002.safetensors',
    },
  });

  it('lists each shard once', () => {
    const known = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
    expect(shardsFromIndex(index, known)).toEqual(known);
  });

  it('refuses shards the repository does not hold and paths that leave the folder', () => {
    expect(() => shardsFromIndex(index, ['model-00001-of-00002.safetensors'])).toThrow(/00002.*does not hold/);
    const escaping = JSON.stringify({ weight_map: { a: '../x.safetensors' } });
    expect(() => shardsFromIndex(escaping, ['../x.safetensors'])).toThrow(MissingFilesError);
    expect(() => shardsFromIndex('{', [])).toThrow(/not valid JSON/);
  });
});
