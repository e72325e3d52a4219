// The runs service over a real engine host and store: every impossible configuration is
// refused before anything starts with a message naming the field; a run's UI-facing events
// (status, progress, metrics, checkpoint) and what the store keeps of them; pause and resume;
// resumes and removals refused, saying why; a second trainer on the same data directory is
// refused naming the process that holds it. (Interrupted runs: runsControl.test.ts.)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../../src/shared/contract/runs';
import { ApiError, unwrapEnvelope } from '../../../src/shared/errors';
import type { EventMap, EventName } from '../../../src/shared/events';
import { AppServices } from '../../../src/main/services/app';
import { trainerLockPath } from '../../../src/main/services/runsLock';
import { deadPid } from '../../support/processes';
import { tempDirs } from '../../support/tmp';
import { importTexts, KILL_TEXTS } from '../cli/commands/train-support';
import { smallRunConfig } from './runs-support';

const tempDir = tempDirs('spanfill-runs-service-');
const opened: AppServices[] = [];
afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
});

function open(dataDir: string): AppServices {
  const app = new AppServices({ dataDir, env: {} });
  opened.push(app);
  return app;
}

async function setUp(texts: readonly string[] = KILL_TEXTS) {
  const dataDir = tempDir();
  const datasetId = await importTexts(dataDir, texts);
  return { dataDir, datasetId, app: open(dataDir) };
}

const base = smallRunConfig;

/** Resolves at the first `name` event of a step at or after `step`. */
function reached(app: AppServices, name: 'runs.progress' | 'runs.checkpoint', step: number): Promise<void> {
  return new Promise((resolve) => {
    const off = app.events.subscribe((event, payload) => {
      if (event === name && (payload as EventMap[typeof name]).step >= step) {
        off();
        resolve();
      }
    });
  });
}

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
    const { app, datasetId } = await setUp(['a']); // one token: no span to mask
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
    expect(of('runs.statusChanged').map((s) => s.status)).toEqual(['queued', 'running', 'running', 'completed']);
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
    expect(series.loss.map((p) => p.value)).toEqual(points.filter((p) => p.name === 'loss').map((p) => p.value));
    const stored = app.runs.checkpoints(started.id);
    expect(stored.map((c) => c.step)).toEqual([4, 8, 10]); // keepLast 3
    expect(stored.filter((c) => c.isBest)).toHaveLength(1);
    expect(stored.find((c) => c.step === 10)?.eval?.loss).toBe(series['eval.loss'].at(-1)?.value);
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
    expect(app.runs.metrics([started.id], ['loss'])[started.id].loss).toHaveLength(40);
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

describe('runs service: a data directory moved', () => {
  it('keeps its runs: their checkpoints are found, resumed from and pruned in the new place', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const started = await app.runs.start(base(datasetId, { maxSteps: 40, checkpointEvery: 4, keepLast: 2 }));
    await reached(app, 'runs.checkpoint', 8);
    const paused = await app.runs.pause(started.id);
    await app.close();
    opened.splice(0);
    const moved = join(tempDir(), 'moved');
    renameSync(dataDir, moved);

    const again = open(moved);
    const kept = again.runs.checkpoints(started.id);
    expect(kept.map((c) => c.step)).toContain(paused.step);
    for (const checkpoint of kept) expect(checkpoint.path.startsWith(join(moved, 'runs', started.id))).toBe(true);
    expect(existsSync(again.runs.checkpointPath(started.id, 'last'))).toBe(true);
    await again.runs.resume(started.id);
    expect(await again.runs.wait(started.id)).toMatchObject({ status: 'completed', step: 40 });
    // Those pruned on the way (before and after the move) are forgotten, the others are there.
    const last = again.runs.checkpoints(started.id);
    expect(last.length).toBeLessThanOrEqual(3);
    expect(last.at(-1)?.step).toBe(40);
    for (const checkpoint of last) expect(existsSync(checkpoint.path)).toBe(true);
    // One deleted by hand is said to be gone, not missing from the list it is in.
    rmSync(last.at(-1)!.path, { recursive: true });
    expect(() => again.runs.checkpointPath(started.id, 'last')).toThrow(
      `Run ${started.id}'s checkpoint at step 40 is no longer on disk (${last.at(-1)!.path}); it was deleted outside Spanfill`,
    );
  });
});

describe('runs service: processes', () => {
  it('refuses to resume a run whose dataset was removed, saying why', async () => {
    const { app, datasetId } = await setUp();
    app.runs.repo.add({ id: 'r-orphan', name: 'x', config: base(datasetId), totalSteps: 10, status: 'stopped' });
    app.datasets.remove(datasetId);
    expect(app.runs.get('r-orphan').datasetId).toBeNull();
    await expect(app.runs.resume('r-orphan')).rejects.toThrow(
      new ApiError('conflict', `Run r-orphan cannot be resumed: the dataset it trained on (${datasetId}) was removed.`),
    );
    expect(app.runs.get('r-orphan').status).toBe('stopped');
  });

  it("refuses to resume a run whose provider does not load here as the store's state, saying how to go on", async () => {
    const { app, datasetId } = await setUp();
    app.runs.repo.add({
      id: 'r-dml',
      name: 'x',
      config: base(datasetId, { provider: 'dml' }),
      totalSteps: 10,
      status: 'stopped',
    });
    // The run's own provider, not the caller's argument (runs resume takes none): the CLI exits 1.
    await expect(app.runs.resume('r-dml')).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(
        /^provider 'dml' is not available on this machine.*; a run resumes on the provider it trained on: to go on here, start a new run from its last checkpoint \(Train → Base model\) with provider cpu/,
      ),
    });
    expect(app.runs.get('r-dml').status).toBe('stopped');
  });

  it('refuses to resume a run whose loss stopped being finite, saying how to go on', async () => {
    const { app, datasetId } = await setUp();
    app.runs.repo.add({ id: 'r-nan', name: 'x', config: base(datasetId), totalSteps: 10, status: 'queued' });
    const error = 'The training loss became not a number (NaN) at step 3: training diverged. It saved no checkpoint; …';
    app.runs.repo.setStatus('r-nan', 'failed', { error });
    await expect(app.runs.resume('r-nan')).rejects.toThrow(
      new ApiError(
        'conflict',
        'Run r-nan is not resumed: its training loss stopped being finite, and a resume would replay the same steps ' +
          'to the same end. Start a new run with a lower learning rate (lr) and gradient clipping on (clipNorm).',
      ),
    );
    expect(app.runs.get('r-nan')).toMatchObject({ status: 'failed', error });
  });

  it('does not delete a run while another trains from one of its checkpoints', async () => {
    const { app, datasetId, dataDir } = await setUp();
    app.runs.repo.add({ id: 'r-a', name: 'a', config: base(datasetId), totalSteps: 10, status: 'completed' });
    const checkpoint = join(dataDir, 'runs', 'r-a', 'checkpoints', 'step-00000010');
    const config = { ...base(datasetId), model: checkpoint };
    app.runs.repo.add({ id: 'r-b', name: 'b', config, totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-b', 'running', { ownerPid: process.pid });
    expect(() => app.runs.remove('r-a')).toThrow(
      new ApiError(
        'conflict',
        'Run r-b ("b") is training from a checkpoint of run r-a; stop it first (or let it finish). ' +
          'Each checkpoint it saves copies the tokenizer files of the model it trains from.',
      ),
    );
    app.runs.repo.setStatus('r-b', 'stopped');
    expect(app.runs.remove('r-a')).toEqual({ id: 'r-a', removed: true });
  });

  it('resumes a run from its own checkpoint when the run it started from was removed', async () => {
    const { app, datasetId } = await setUp();
    const first = await app.runs.start(base(datasetId, { maxSteps: 4 }));
    await app.runs.wait(first.id);
    const from = app.runs.checkpointPath(first.id, 'last');
    const config = { model: from, maxSteps: 24, checkpointEvery: 4, keepLast: 1, evalEvery: 0 };
    const second = await app.runs.start(base(datasetId, config));
    await reached(app, 'runs.checkpoint', 8);
    await app.runs.pause(second.id);
    app.runs.remove(first.id);
    await app.runs.resume(second.id);
    // keepLast 1 prunes the checkpoint it resumed from: later ones still get their tokenizer files.
    expect(await app.runs.wait(second.id)).toMatchObject({ status: 'completed', step: 24, model: from });
    expect(existsSync(join(app.runs.checkpointPath(second.id, 'last'), 'tokenizer.json'))).toBe(true);
  });

  it('says why a run that started from a removed run and saved no checkpoint cannot be resumed', async () => {
    const { app, datasetId, dataDir } = await setUp();
    const gone = join(dataDir, 'runs', 'r-gone', 'checkpoints', 'step-00000010');
    const config = { ...base(datasetId), model: gone };
    app.runs.repo.add({ id: 'r-b', name: 'b', config, totalSteps: 10, status: 'stopped' });
    await expect(app.runs.resume('r-b')).rejects.toThrow(
      new ApiError(
        'conflict',
        'Run r-b cannot be resumed: it saved no checkpoint, and the checkpoint it started from (run r-gone, ' +
          'step 10) was removed. Start a new run.',
      ),
    );
    expect(app.runs.get('r-b').status).toBe('stopped');
  });

  it('refuses a second trainer on the same data directory, naming the process and its run', async () => {
    const { app, datasetId, dataDir } = await setUp();
    mkdirSync(join(dataDir, 'runs'), { recursive: true });
    writeFileSync(trainerLockPath(dataDir), JSON.stringify({ pid: process.ppid }));
    await expect(app.runs.start(base(datasetId))).rejects.toThrow(
      new RegExp(`Another trainer is running on this data directory \\(pid ${process.ppid}\\)`),
    );
    expect(app.runs.list()).toEqual([]);
    // The run that process trains, where the store has it, by id and name, and how to stop it.
    app.runs.repo.add({ id: 'r-other', name: 'other', config: base(datasetId), totalSteps: 10, status: 'queued' });
    app.runs.repo.setStatus('r-other', 'running', { ownerPid: process.ppid });
    await expect(app.runs.start(base(datasetId))).rejects.toThrow(
      new ApiError(
        'conflict',
        `Run r-other ("other") is training on this data directory (pid ${process.ppid}); one run trains at a ` +
          'time: wait for it, or stop it (Runs screen, or `spanfill runs stop r-other`)',
      ),
    );
    // A resume that has taken the lock but not yet marked its run running: named from the lock.
    app.runs.repo.setStatus('r-other', 'interrupted');
    writeFileSync(trainerLockPath(dataDir), JSON.stringify({ pid: process.ppid, runId: 'r-other' }));
    await expect(app.runs.resume('r-other')).rejects.toThrow(
      new ApiError(
        'conflict',
        `Run r-other ("other") is starting to train on this data directory (pid ${process.ppid}); one run trains ` +
          'at a time: wait for it, or stop it (Runs screen, or `spanfill runs stop r-other`)',
      ),
    );
    app.runs.repo.setStatus('r-other', 'stopped');
    writeFileSync(trainerLockPath(dataDir), JSON.stringify({ pid: deadPid() })); // stale: taken over
    const started = await app.runs.start(base(datasetId, { maxSteps: 2 }));
    expect((await app.runs.wait(started.id)).status).toBe('completed');
  });
});
