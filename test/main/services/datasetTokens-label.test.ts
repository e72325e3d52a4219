// The name a dataset's token counts are kept under (DatasetStats.tokens[…].tokenizer, what
// `datasets show` and the Datasets screen say beside the count): the counts are per tokenizer
// fingerprint, so one tokenizer copied into several folders has one entry. Its name was the
// folder that tokenized last: a cache built again from a run's checkpoint folder relabelled
// the counts "step-00000002", and that stayed after the run went. The first name stays; a run
// checkpoint's folder name gives way to the next other name.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetsTestKit, novel, spmDir } from './datasets-support';

const { setup } = datasetsTestKit();

describe('the name of a dataset’s token counts', () => {
  it('is the first it was counted under, whichever folder of the same tokenizer counts it again', async () => {
    const { service, write, dataDir } = setup();
    const ds = await service.import({ paths: [write('novel.txt', novel)] });
    const copy = (...parts: string[]): string => {
      const dir = path.join(dataDir, ...parts);
      fs.cpSync(spmDir, dir, { recursive: true });
      return dir;
    };
    const tokens = async (model: string): Promise<boolean> => {
      const got = await service.tokens(ds.id, model);
      got.cache.close();
      return got.result.isCached;
    };
    const labels = (): string[] => Object.values(service.get(ds.id).stats?.tokens ?? {}).map((t) => t.tokenizer);
    // The caches go (a newer cache layout after an upgrade, say): the counts are kept, and made again.
    const dropCaches = (): void => {
      const dir = path.join(dataDir, 'tokens', ds.id);
      for (const f of fs.readdirSync(dir).filter((name) => name.endsWith('.tokens'))) fs.rmSync(path.join(dir, f));
    };

    expect(await tokens(copy('models', 'tiny'))).toBe(false);
    expect(labels()).toEqual(['tiny']);
    dropCaches();
    expect(await tokens(copy('runs', 'r-1', 'checkpoints', 'step-00000002'))).toBe(false);
    expect(labels()).toEqual(['tiny']);
    dropCaches();
    expect(await tokens(copy('elsewhere', 'other'))).toBe(false);
    expect(labels()).toEqual(['tiny']);
  });

  it('first counted under a run checkpoint’s folder: named by the next other folder, its cache as it was', async () => {
    const { service, write, dataDir } = setup();
    const ds = await service.import({ paths: [write('novel.txt', novel)] });
    const checkpoint = path.join(dataDir, 'runs', 'r-1', 'checkpoints', 'step-00000004');
    const tiny = path.join(dataDir, 'models', 'tiny');
    for (const dir of [checkpoint, tiny]) fs.cpSync(spmDir, dir, { recursive: true });
    const labels = (): string[] => Object.values(service.get(ds.id).stats?.tokens ?? {}).map((t) => t.tokenizer);
    (await service.tokens(ds.id, checkpoint)).cache.close();
    expect(labels()).toEqual(['step-00000004']);
    const cached = await service.tokens(ds.id, tiny);
    cached.cache.close();
    expect(cached.result).toMatchObject({ isCached: true, tokenizer: 'tiny' });
    expect(labels()).toEqual(['tiny']);
    (await service.tokens(ds.id, checkpoint)).cache.close();
    expect(labels()).toEqual(['tiny']);
  });
});
