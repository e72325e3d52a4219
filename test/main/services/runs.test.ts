// The runs service over a real engine host and store: every impossible configuration is
// refused before anything starts with a message naming the field; a run's UI-facing events
// (status, progress, metrics, checkpoint) and what the store keeps of them; its default name;
// pause and resume; rename. (Resumes and removals refused, a moved data directory, a second
// trainer: runs-resume.test.ts; interrupted runs: runsControl.test.ts.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../../src/shared/contract/runs';
import { ApiError, unwrapEnvelope } from '../../../src/shared/errors';
import type { EventMap, EventName } from '../../../src/shared/events';
import { deadPid } from '../../support/processes';
import { reached, runsServiceKit, smallRunConfig } from './runs-support';

const { setUp } = runsServiceKit();

const base = smallRunConfig;

describe('runs service: refused configurations', () => {
  it('refuses each impossible combination before anything starts, naming the field', async () => {
    const { app, datasetId } = await setUp();
    const cases: [Partial<RunConfigInput>, RegExp][] = [
      [
        { inputLength: 4096 },
        /^inputLength 4096 is more than this model takes: at most 2,048 tokens per input .*; lower inputLength$/,
      ],
      [{ provider: 'dml' }, /provider 'dml' is not available on this machine.*use provider cpu/],
      [
        // Micro-batches of 4 are the least: 4096 / 4 is the most accumulation there is.
        { batchSize: 4096, inputLength: 2048, noiseDensity: 0.05, memoryBudgetMiB: 64 },
        /^batchSize 4096 at inputLength 2048 does not fit the 64 MiB budget \(memoryBudgetMiB\): even micro-batches of 4 need ~.* GiB; lower inputLength.* or raise memoryBudgetMiB$/,
      ],
      [{ inputLength: 2048 }, /up to 114 noise spans per example but the tokenizer has only 100 sentinel tokens/],
      [{ epochs: 2 }, /give exactly one of maxSteps and epochs/],
      [{ maxSteps: undefined }, /give exactly one of maxSteps and epochs/],
      [{ maxSteps: 15, stepsPerCall: 10 }, /maxSteps \(15\) must be a multiple of stepsPerCall \(10\)/],
      [
        { maxSteps: 10, warmupSteps: 12, schedule: 'cosine' },
        /^warmupSteps \(12\) is more than the run's 10 steps: .*; lower warmupSteps or train longer$/,
      ],
      [
        { evalEvery: 6, checkpointEvery: 4 },
        /^evalEvery \(6\) and checkpointEvery \(4\) do not line up: .* only every 12 steps; make one a multiple of the other \(e\.g\. evalEvery 4 or checkpointEvery 12\), or set either to 0$/,
      ],
      [{ model: 'builtin:nope' }, /^model: Unknown built-in model 'builtin:nope'; expected one of: builtin:byt5-tiny/],
      [{ model: 'm-missing' }, /m-missing/],
      [{ datasetId: 'ds-missing' }, /No dataset ds-missing/],
    ];
    for (const [extra, message] of cases) {
      await expect(app.runs.start(base(datasetId, extra)), JSON.stringify(extra)).rejects.toThrow(message);
    }
    expect(app.runs.list()).toEqual([]);
  });

  it('says when a provider that does not load here is the saved one, and how to reset it', async () => {
    const { app, datasetId } = await setUp();
    const { provider: _given, ...withoutProvider } = base(datasetId);
    app.system.saveSettings({ provider: 'dml' });
    // Saved, not asked for: the store's state (the CLI exits 1); named by the caller: its argument (2).
    await expect(app.runs.start(withoutProvider)).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /provider 'dml' is not available on this machine.*; it is the saved provider for new runs \(Settings screen; `spanfill settings provider auto` resets it\)$/,
      ),
    });
    await expect(app.runs.start(base(datasetId, { provider: 'dml' }))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    app.system.saveSettings({ provider: 'cpu' });
    await expect(app.runs.start(base(datasetId, { provider: 'dml' }))).rejects.toMatchObject({
      code: 'invalid_argument',
      message: expect.stringMatching(/use provider cpu[^;]*$/),
    });
  });

  it('refuses a dataset that makes no training example', async () => {
    // Only a literal special token, which tokenizing drops: the document's EOS alone, no span to mask.
    const { app, datasetId } = await setUp(['</s>']);
    await expect(app.runs.start(base(datasetId))).rejects.toMatchObject({
      code: 'invalid_input', // bad data, not a bad setting: the CLI exits 1
      message: expect.stringMatching(
        new RegExp(`^dataset ${datasetId} is too small: it makes no training example at inputLength 16`),
      ),
    });
  });
});

describe('runs service: a run', () => {
  it('emits status, progress, metrics and checkpoint events and stores them', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const events: { name: EventName; payload: EventMap[EventName] }[] = [];
    app.events.subscribe((name, payload) => events.push({ name, payload }));
    const started = await app.runs.start(base(datasetId));
    const ended = await app.runs.wait(started.id);
    expect(ended).toMatchObject({ status: 'completed', step: 10, totalSteps: 10, provider: 'cpu' });
    // Named, when not given a name, after the model folder and the dataset (not its id).
    expect(ended.name).toBe('t5-tiny-spm on texts.txt');
    const of = <E extends EventName>(name: E) =>
      events.filter((e) => e.name === name).map((e) => e.payload as EventMap[E]);
    expect(of('runs.statusChanged').map((s) => s.status)).toEqual(['queued', 'running', 'completed']); // running once its trainer started
    const progress = of('runs.progress');
    expect(progress.map((p) => p.step)).toEqual([2, 4, 6, 8, 10]);
    for (const p of progress) {
      expect(p).toMatchObject({ runId: started.id, totalSteps: 10 });
      expect(p.loss).toBeGreaterThan(0);
      expect(p.tokensPerSecond).toBeGreaterThan(0);
    }
    expect(progress.at(-1)?.etaMs).toBe(0);
    const points = of('runs.metrics').flatMap((m) => m.points);
    expect(points.filter((p) => p.name === 'loss').map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(points.filter((p) => p.name === 'eval.loss').map((p) => p.step)).toEqual([4, 8, 10]);
    const checkpoints = of('runs.checkpoint');
    expect(checkpoints.map((c) => c.step)).toEqual([4, 8, 10]);
    const series = app.runs.metrics([started.id], ['loss', 'eval.loss'])[started.id];
    expect(series.loss.values).toEqual(points.filter((p) => p.name === 'loss').map((p) => p.value));
    const stored = app.runs.checkpoints(started.id);
    expect(stored.map((c) => c.step)).toEqual([4, 8, 10]); // keepLast 3
    expect(stored.filter((c) => c.isBest)).toHaveLength(1);
    expect(stored.find((c) => c.step === 10)?.eval?.loss).toBe(series['eval.loss'].values.at(-1));
    // What the run takes on disk: every file under its folder, as find(1) sizes them.
    const sizes = execFileSync('find', [join(dataDir, 'runs', started.id), '-type', 'f', '-printf', '%s\\n'], {
      encoding: 'utf8',
    });
    const onDisk = sizes
      .trim()
      .split('\n')
      .map(Number)
      .reduce((a, b) => a + b, 0);
    expect(app.runs.get(started.id).diskBytes).toBe(onDisk);
    expect(onDisk).toBeGreaterThan(0);
    // A copy a killed reader (fill, export) left under <run>/reading is not counted: it goes.
    const gonePid = deadPid();
    const leftover = join(dataDir, 'runs', started.id, 'reading', `step-00000010.${gonePid}.${Date.now()}-a1B2c3`);
    mkdirSync(join(leftover, 'step-00000010'), { recursive: true });
    writeFileSync(join(leftover, 'step-00000010', 'model.bin'), Buffer.alloc(1000));
    expect(app.runs.get(started.id).diskBytes).toBe(onDisk);
    expect(existsSync(join(dataDir, 'runs', started.id, 'reading'))).toBe(false);
  });

  it('keeps no run behind when its engine host does not start (a Ctrl-C while it starts)', async () => {
    const { app, datasetId, dataDir } = await setUp();
    // Preparing the run uses the host too (token counts): it fails once the run is stored.
    const get = app.engine.get.bind(app.engine);
    app.engine.get = () =>
      app.runs.repo.list().length === 0
        ? get()
        : Promise.reject(new ApiError('cancelled', 'The engine host was stopped on request'));
    await expect(app.runs.start(base(datasetId))).rejects.toThrow('The engine host was stopped on request');
    expect(app.runs.list()).toEqual([]);
    expect(existsSync(join(dataDir, 'runs')) ? readdirSync(join(dataDir, 'runs')) : []).toEqual([]);
  });

  it("takes a registered model's name and a renamed dataset's name into its default name", async () => {
    const { app, datasetId } = await setUp();
    const model = await app.models.import({ path: base(datasetId).model, name: 'my tiny spm' });
    app.datasets.repo.rename(datasetId, 'Letters from the 1790s, transcribed and proofread twice');
    const started = await app.runs.start(base(datasetId, { model: model.id, maxSteps: 2, stepsPerCall: 1 }));
    expect(started.name).toBe('my tiny spm on Letters from the 1790s, transcribed and…');
    expect((await app.runs.wait(started.id)).status).toBe('completed');
    // A name given is kept as it is.
    const named = await app.runs.start(base(datasetId, { model: model.id, maxSteps: 2, stepsPerCall: 1, name: ' x ' }));
    expect(named.name).toBe(' x ');
    await app.runs.wait(named.id);
    // Another on the same model and dataset is told apart from the first by its name.
    const again = await app.runs.start(base(datasetId, { model: model.id, maxSteps: 2, stepsPerCall: 1 }));
    expect(again.name).toBe('my tiny spm on Letters from the 1790s, transcribed and…, run 2');
    await app.runs.wait(again.id);
  });

  it('pauses with a checkpoint and resumes to the end; remove deletes its files', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const started = await app.runs.start(base(datasetId, { maxSteps: 40, checkpointEvery: 0, evalEvery: 0 }));
    await reached(app, 'runs.progress', 6);
    const paused = await app.runs.pause(started.id);
    expect(paused.status).toBe('paused');
    expect(paused.step).toBeLessThan(40);
    expect(app.runs.checkpoints(started.id).at(-1)?.step).toBe(paused.step);
    await app.runs.resume(started.id);
    expect(await app.runs.wait(started.id)).toMatchObject({ status: 'completed', step: 40 });
    expect(app.runs.metrics([started.id], ['loss'])[started.id].loss.steps).toHaveLength(40);
    const removals: unknown[] = [];
    app.events.subscribe((event, payload) => event === 'runs.removed' && removals.push(payload));
    expect(app.runs.remove(started.id)).toEqual({ id: started.id, removed: true });
    expect(removals).toEqual([{ runId: started.id }]); // other windows drop it
    expect(() => app.runs.get(started.id)).toThrow(/No run/);
    expect(() => app.runs.checkpointPath(started.id, 'last')).toThrow(/No run/);
    expect(existsSync(join(dataDir, 'runs', started.id))).toBe(false);
  });
});

describe('runs service: rename', () => {
  it('renames a run through the contract: trimmed, in the list, the detail and its settings; never empty', async () => {
    const { app, datasetId } = await setUp();
    app.runs.repo.add({ id: 'r-a', name: 'tiny on notes', config: base(datasetId), totalSteps: 10, status: 'stopped' });
    const said: unknown[] = [];
    app.events.subscribe((event, payload) => event === 'runs.renamed' && said.push(payload));
    const renamed = unwrapEnvelope(await app.call('runs.rename', { id: 'r-a', name: '  lr 3e-3, batch 2 ' }));
    expect(renamed).toMatchObject({ id: 'r-a', name: 'lr 3e-3, batch 2' });
    expect(said).toEqual([{ runId: 'r-a', name: 'lr 3e-3, batch 2' }]); // other windows show it
    expect(app.runs.list().map((run) => run.name)).toEqual(['lr 3e-3, batch 2']);
    const detail = app.runs.get('r-a');
    expect([detail.name, detail.config.name, detail.config.lr, detail.status]).toEqual([
      'lr 3e-3, batch 2',
      'lr 3e-3, batch 2',
      3e-3,
      'stopped',
    ]);
    expect(await app.call('runs.rename', { id: 'r-a', name: ' ' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_argument', message: expect.stringContaining('a name cannot be empty') },
    });
    expect(await app.call('runs.rename', { id: 'r-none', name: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: expect.stringContaining('No run r-none') },
    });
    expect(app.runs.get('r-a').name).toBe('lr 3e-3, batch 2');
  });
});
