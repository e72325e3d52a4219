// prepareRun's memory plan over real services with a stand-in for the machine's free memory:
// without memoryBudgetMiB the budget is the free RAM less a margin, and a batch over it is
// split (the configuration it returns is the one to store); too little free memory refuses;
// a resumed run keeps the split it started with whatever is free now (its checkpoint needs it).
// resolveRunModel finds a base checkpoint of this data directory by the path it had before a move.
// prepareRun's notices say what tokenizing did to the dataset's text, in datasets show's words.
// A model whose tokenizer has more ids than its vocab_size is refused, in fill's words.
// A from-scratch model's tokenizer that is missing, unknown or no tokenizer is bad input (exit 1
// in the CLI, as for --model), not a usage error; leaving it out, or giving one to a model that has
// its own, is.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppServices } from '../../../src/main/services/app';
import { lessMargin, type MemoryProbe } from '../../../src/main/services/runsMemory';
import {
  configOfRequest,
  prepareRun,
  resolveRunModel,
  type RunPrepareDeps,
} from '../../../src/main/services/runsPrepare';
import { RunRepository } from '../../../src/main/store/runs';
import { tempDirs } from '../../support/tmp';
import { openWithDataset, smallRunConfig, smallRunFields } from './runs-support';
import { datasetTokenNotes } from '../../../src/shared/tokenNotes';
import { importTexts, KILL_TEXTS, SPM } from '../cli/commands/train-support';

const tempDir = tempDirs('spanfill-runs-prepare-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

const MiB = 2 ** 20;
const freeRam = (bytes: number): MemoryProbe => ({
  freeRam: () => bytes,
  freeGpu: () => ({ bytes: null, reason: 'none here' }),
});
const roomyRam = freeRam(1024 * 1024 * MiB);

async function setUp() {
  const { app, datasetId, dataDir } = await openWithDataset(tempDir(), opened);
  const deps = (memory: MemoryProbe) => ({
    dataDir,
    datasets: app.datasets,
    models: app.models,
    system: app.system,
    memory,
  });
  const config = smallRunConfig(datasetId, { batchSize: 8, inputLength: 128, masking: 'packed' });
  // What batch 8 and micro-batches of 4 × 2 need, by the plan's own estimate (plenty free).
  const roomy = deps(freeRam(1024 * 1024 * MiB));
  const whole = (await prepareRun(roomy, config)).memory.stepBytes;
  const half = (await prepareRun(roomy, { ...config, batchSize: 4, accumulation: 2 })).memory.stepBytes;
  return { deps, config, whole, half };
}

/** Free RAM whose budget (less the margin) is exactly `budget` bytes. */
function freeFor(budget: number): number {
  let free = budget;
  while (lessMargin(free) < budget) free += MiB;
  return free;
}

describe('prepareRun: the memory budget', () => {
  it('splits a batch over the free memory less a margin, and returns the configuration to store', async () => {
    const { deps, config, whole, half } = await setUp();
    expect(half).toBeLessThan(whole);
    const free = freeFor(half);
    expect(lessMargin(free)).toBeLessThan(whole);
    const prepared = await prepareRun(deps(freeRam(free)), config);
    expect(prepared.config).toMatchObject({ batchSize: 4, accumulation: 2 });
    expect(prepared.config.memorySplit).toMatchObject({ askedBatchSize: 8, basis: 'free memory less a margin' });
    expect(prepared.payload.settings).toMatchObject({ batchSize: 4, accumulation: 2 });
    expect(prepared.memory.notice).toMatch(/^batch 8 does not fit the \d+ MiB budget \(free memory less a margin;/);
  });

  it('refuses when too little is free for any split, and suggests memoryBudgetMiB', async () => {
    const { deps, config } = await setUp();
    // 600 MiB free less the 512 MiB margin leaves 88.
    await expect(prepareRun(deps(freeRam(600 * MiB)), config)).rejects.toThrow(
      /^batchSize 8 at inputLength 128 does not fit the 88 MiB budget \(free memory less a margin\): .* or set memoryBudgetMiB if more is free$/,
    );
  });

  it('keeps the split of a resumed run however little is free now', async () => {
    const { deps, config } = await setUp();
    const stored = { ...config, batchSize: 4, accumulation: 2 };
    const prepared = await prepareRun(deps(freeRam(600 * MiB)), stored, undefined, { isResume: true });
    expect(prepared.config).toEqual(stored);
    expect(prepared.payload.settings).toMatchObject({ batchSize: 4, accumulation: 2 });
  });
});

describe('prepareRun: evaluation and checkpoint intervals', () => {
  it('refuses intervals neither of which is a multiple of the other, but not a resumed run that has them', async () => {
    const { deps, config } = await setUp();
    const roomy = deps(freeRam(1024 * 1024 * MiB));
    const unaligned = { ...config, evalEvery: 6, checkpointEvery: 4 };
    await expect(prepareRun(roomy, unaligned)).rejects.toThrow(
      /^evalEvery \(6\) and checkpointEvery \(4\) do not line up: /,
    );
    await expect(prepareRun(roomy, unaligned, undefined, { isEstimate: true })).rejects.toThrow(/do not line up/);
    await expect(prepareRun(roomy, unaligned, undefined, { isResume: true })).resolves.toBeDefined();
    for (const [evalEvery, checkpointEvery] of [
      [4, 8],
      [8, 4],
      [6, 0],
      [0, 6],
      [4, 4],
    ])
      await expect(prepareRun(roomy, { ...config, evalEvery, checkpointEvery })).resolves.toBeDefined();
  });
});

describe('prepareRun: Adafactor', () => {
  it('says lr, schedule and warm-up do not apply to its relative steps, and refuses no warm-up of it', async () => {
    const { deps, config } = await setUp();
    const roomy = deps(freeRam(1024 * 1024 * MiB));
    const asked = { ...config, schedule: 'cosine', warmupSteps: 50, lr: 1e-3 } as const; // 50 > the 10 steps
    await expect(prepareRun(roomy, asked)).rejects.toThrow(/^warmupSteps \(50\) is more than the run's 10 steps/);
    const prepared = await prepareRun(roomy, { ...asked, optimizer: { kind: 'adafactor' } });
    expect(prepared.notices).toContain(
      "optimizer adafactor sets its own step sizes (relative steps: min(0.01, 1/√step), scaled by each parameter's " +
        'size): lr (0.001), schedule (cosine) and warmupSteps (50) do not apply to it; the lr curve shows that relative step',
    );
    expect(prepared.payload.settings.schedule).toEqual({ kind: 'constant', peakLr: 1e-3, warmupSteps: 0 });
    expect((await prepareRun(roomy, config)).notices.join('\n')).not.toMatch(/adafactor/);
  });
});

describe("prepareRun: what tokenizing did to the dataset's text", () => {
  it('says how many literal special tokens were removed and how many tokens became <unk>, as datasets show says', async () => {
    const dataDir = tempDir();
    const texts = [...KILL_TEXTS, 'A line with </s> and <extra_id_3> typed in, then 東京 and 😀.'];
    const datasetId = await importTexts(dataDir, texts);
    const app = new AppServices({ dataDir, env: {} });
    opened.push(app);
    const deps = { dataDir, datasets: app.datasets, models: app.models, system: app.system, memory: roomyRam };
    const prepared = await prepareRun(deps, smallRunConfig(datasetId, { masking: 'per-document' }));
    const counted = await app.datasets.tokenize(datasetId, SPM);
    const notes = datasetTokenNotes(counted);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^Removed 2 literal special tokens such as/);
    expect(notes[1]).toMatch(/became <unk>: .* characters such as 東 京 😀,/);
    for (const note of notes) expect(prepared.notices).toContain(note);
    // Clean text, nothing to say.
    const { deps: clean, config } = await setUp();
    const plain = await prepareRun(clean(roomyRam), config);
    expect(plain.notices.join('\n')).not.toMatch(/<unk>|literal special/);
  });
});

describe('prepareRun: a tokenizer that does not fit the model', () => {
  it('refuses, as fill does, before tokenizing, also for an estimate', async () => {
    const { deps, config } = await setUp();
    // The spm tokenizer has 500 ids; this config.json says the model embeds only 400.
    const model = path.join(tempDir(), 'vocab400');
    cpSync(SPM, model, { recursive: true });
    const configPath = path.join(model, 'config.json');
    writeFileSync(configPath, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), vocab_size: 400 }));
    const message = `The tokenizer.json in ${model} has 500 token ids but config.json's vocab_size is 400; the tokenizer does not belong to this model`;
    for (const options of [{}, { isEstimate: true }])
      await expect(prepareRun(deps(roomyRam), { ...config, model }, undefined, options)).rejects.toMatchObject({
        code: 'invalid_input',
        message: `model '${model}' cannot be used: ${message}`,
      });
  });
});

describe('resolveRunModel', () => {
  it("finds a run's checkpoint named by its path before the data directory moved, in the new place", () => {
    const dataDir = tempDir();
    const here = path.join(dataDir, 'runs', 'r-5e7e39c6', 'checkpoints', 'step-00000060');
    mkdirSync(here, { recursive: true });
    const deps = { dataDir, models: { resolve: () => ({ path: '/from/models' }) } } as unknown as RunPrepareDeps;
    expect(resolveRunModel(deps, '/old/place/runs/r-5e7e39c6/checkpoints/step-00000060')).toBe(here);
    // Not there (another step, another run, not a checkpoint's path): the models service decides.
    for (const gone of [
      '/old/runs/r-5e7e39c6/checkpoints/step-00000040',
      '/old/runs/r-1111/checkpoints/step-00000060',
      '/t5-small',
    ])
      expect(resolveRunModel(deps, gone)).toBe('/from/models');
  });
});

describe('configOfRequest: the run name', () => {
  it("refuses another run's id as a name, which ids would always win over, and takes any other", async () => {
    const { app, datasetId } = await openWithDataset(tempDir(), opened);
    new RunRepository(app.store.db).add({
      id: 'r-0ther000',
      name: 'first',
      config: smallRunConfig(datasetId),
      totalSteps: 10,
      status: 'completed',
    });
    const request = { ...smallRunFields(datasetId), provider: 'cpu' as const, threads: 1 };
    await expect(configOfRequest(app, { ...request, name: 'r-0ther000' })).rejects.toThrow(
      'r-0ther000 is the id of another run; a run named so could not be found by its name (the id comes first): choose another name',
    );
    await expect(configOfRequest(app, { ...request, name: 'first' })).resolves.toBeDefined();
  });
});

describe('prepareRun: the tokenizer of a model from scratch', () => {
  it('refuses a missing folder, an unknown id and a folder without tokenizer.json as input, not usage', async () => {
    const dataDir = tempDir();
    const app = new AppServices({ dataDir, env: {} });
    opened.push(app);
    const deps = { dataDir, datasets: app.datasets, models: app.models, system: app.system, memory: roomyRam };
    const refusal = (extra: Record<string, unknown>) =>
      prepareRun(deps, smallRunConfig('ds-any', { model: 'preset:t5-small', ...extra }), undefined, {
        isEstimate: true,
      });
    const empty = path.join(dataDir, 'no-tokenizer');
    mkdirSync(empty);
    const nowhere = path.join(dataDir, 'nowhere');
    await expect(refusal({ tokenizer: nowhere })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(new RegExp(`^tokenizer: .*${nowhere} does not exist`)),
    });
    await expect(refusal({ tokenizer: 'm-nope' })).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(/^tokenizer: No model "m-nope": not a registered id/),
    });
    await expect(refusal({ tokenizer: empty })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^tokenizer: .*no-tokenizer has no tokenizer\.json/),
    });
    // The request itself is wrong: a usage error still.
    await expect(refusal({})).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(refusal({ model: SPM, tokenizer: 'bytes' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
