// A run from `preset:NAME` initialised from scratch with a chosen tokenizer: the folder is an
// HF folder sized to the tokenizer (vocabulary, pad/EOS), it trains, and a bad preset name, a
// missing tokenizer, a tokenizer on a non-preset model and a tokenizer without fitting
// sentinels are refused with messages naming the field; a registered model's id names its
// tokenizer as its folder does; an estimate (timed or not) writes no weights.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema, type RunConfigInput } from '../../../src/shared/contract/runs';
import { loadT5Config } from '../../../src/main/engine/t5/config';
import type { AppServices } from '../../../src/main/services/app';
import { tempDirs } from '../../support/tmp';
import { SPM } from '../cli/commands/train-support';
import { openWithDataset } from './runs-support';

const tempDir = tempDirs('spanfill-runs-preset-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const setUp = () => openWithDataset(tempDir(), opened);

const config = (datasetId: string, extra: Partial<RunConfigInput> = {}) =>
  runConfigSchema.parse({
    model: 'preset:t5-small',
    tokenizer: SPM,
    datasetId,
    inputLength: 16,
    masking: 'per-document',
    batchSize: 2,
    maxSteps: 2,
    lr: 1e-3,
    ...extra,
  });

/** t5-tiny-spm's tokenizer with its <extra_id_N> tokens renamed away. */
function tokenizerWithoutSentinels(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const read = (file: string) => JSON.parse(readFileSync(join(SPM, file), 'utf8')) as Record<string, unknown>;
  const json = read('tokenizer.json') as { added_tokens: { content: string }[]; model: { vocab: [string, number][] } };
  json.added_tokens = json.added_tokens.filter((t) => !t.content.startsWith('<extra_id_'));
  // The pieces stay (ids must not shift) under another name.
  json.model.vocab = json.model.vocab.map(([piece, score]) => [piece.replace('<extra_id_', '<unused_'), score]);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(json));
  for (const file of ['tokenizer_config.json', 'special_tokens_map.json']) {
    const { additional_special_tokens: _dropped, ...rest } = read(file);
    writeFileSync(join(dir, file), JSON.stringify({ ...rest, extra_ids: 0 }));
  }
  return dir;
}

describe('runs service: a preset initialised from scratch', () => {
  it('trains preset:t5-small with the t5-tiny-spm tokenizer', async () => {
    const { app, datasetId } = await setUp();
    const started = await app.runs.start(config(datasetId));
    const ended = await app.runs.wait(started.id);
    expect(ended).toMatchObject({ status: 'completed', step: 2 });
    const losses = app.runs.metrics([started.id], ['loss'])[started.id].loss.values;
    expect(losses).toHaveLength(2);
    for (const loss of losses) expect(Number.isFinite(loss) && loss > 0).toBe(true);
    const last = app.runs.checkpointPath(started.id, 'last');
    const model = loadT5Config(last);
    const spm = loadT5Config(SPM);
    // The shape is t5-small's; the vocabulary and special ids are the tokenizer's.
    expect(model).toMatchObject({ dModel: 512, numHeads: 8, numLayers: 6 });
    expect(model).toMatchObject({ vocabSize: spm.vocabSize, padTokenId: spm.padTokenId, eosTokenId: spm.eosTokenId });
    expect(readFileSync(join(last, 'tokenizer.json'), 'utf8')).toBe(readFileSync(join(SPM, 'tokenizer.json'), 'utf8'));
    expect(dirname(dirname(app.runs.get(started.id).checkpoints[0].path))).toContain(started.id);
  }, 180_000);

  it('estimates from the shape alone: no weights are written, whatever the seed', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const budget = { memoryBudgetMiB: 4096 };
    const first = await app.runs.estimate(config(datasetId, { ...budget, seed: 1 }));
    const again = await app.runs.estimate(config(datasetId, { ...budget, seed: 2 }));
    expect(again).toEqual(first);
    const presetDir = join(dataDir, 'models', 'preset');
    const folders = readdirSync(presetDir);
    expect(folders).toHaveLength(1);
    expect(readdirSync(join(presetDir, folders[0])).filter((f) => f.endsWith('.safetensors'))).toEqual([]);
    // Steps timed for the estimate take the shape too (random weights of it in the engine host).
    const timed = await app.runs.estimate(config(datasetId, { ...budget, threads: 1 }), undefined, { timeSteps: true });
    expect(timed.isTimed).toBe(true);
    expect(readdirSync(presetDir)).toHaveLength(1);
  }, 120_000);

  it("takes a registered model's id as the tokenizer, as it takes the model's folder", async () => {
    const { app, datasetId } = await setUp();
    const spm = await app.models.import({ path: SPM, name: 'spm' });
    // A fixed memory budget: by default it is the free memory less a margin, which moves between calls.
    const budget = { memoryBudgetMiB: 4096 };
    const byFolder = await app.runs.estimate(config(datasetId, budget));
    expect(byFolder.trainingExamples).toBeGreaterThan(0);
    expect(await app.runs.estimate(config(datasetId, { ...budget, tokenizer: spm.id }))).toEqual(byFolder);
    await expect(app.runs.estimate(config(datasetId, { tokenizer: 'm-nope' }))).rejects.toThrow(
      /^tokenizer: No model "m-nope": not a registered id/,
    );
  });

  it('refuses bad presets and tokenizers naming the field', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const noSentinels = tokenizerWithoutSentinels(join(dataDir, 'plain-tokenizer'));
    const cases: [Partial<RunConfigInput>, RegExp][] = [
      [{ model: 'preset:t5-huge' }, /^model: Unknown T5 preset 't5-huge'; expected one of: t5-small/],
      [{ tokenizer: undefined }, /^tokenizer: model preset:t5-small starts from scratch and needs one/],
      [{ model: SPM }, /^tokenizer: only a model preset:NAME takes a tokenizer/],
      [{ tokenizer: noSentinels }, /^tokenizer: tokenizer .*plain-tokenizer has no <extra_id_N> sentinel tokens/],
      [{ tokenizer: join(dataDir, 'nowhere') }, /^tokenizer: .*nowhere does not exist/],
    ];
    for (const [extra, message] of cases)
      await expect(app.runs.start(config(datasetId, extra)), JSON.stringify(extra)).rejects.toThrow(message);
    expect(app.runs.list()).toEqual([]);
  });
});
