// `spanfill runs list`, `runs show` and `runs compare` as text: a person's reading of runs (the
// --json result is the service's, the list newest first; show marks checkpoints unreadable or
// missing); `runs rename` on a data directory
// holding one run; `runs compare` naming the runs' datasets from a real store.

import { describe, expect, it } from 'vitest';
import { runConfigSchema, type RunDetail, type RunSummary } from '../../../../src/shared/contract/runs';
import type { CommandContext } from '../../../../src/main/cli/command';
import { renderCompare, renderList, renderShow, runsCommand } from '../../../../src/main/cli/commands/runs';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { openStore } from '../../../../src/main/store/db';
import { DatasetRepository } from '../../../../src/main/store/datasets';
import { RunRepository } from '../../../../src/main/store/runs';
import { runSpanfill as cli } from '../../../support/cli';
import { addDatasetRow } from '../../../support/storeRows';
import { tempDirs } from '../../../support/tmp';

const run: RunDetail = {
  id: 'r-749cb820',
  name: 'tiny on Sample',
  status: 'interrupted',
  datasetId: 'ds-661dcb79',
  model: 'builtin:byt5-tiny',
  step: 740,
  totalSteps: 3000,
  createdAt: new Date(2026, 11, 1, 13, 5).toISOString(), // 13:05 local time, wherever the test runs
  startedAt: '2026-12-01T13:05:01.000Z',
  finishedAt: '2026-12-01T13:05:30.000Z',
  elapsedMs: 22_400,
  error: 'The process training it (pid 26947) ended without stopping it, at step 740',
  provider: 'cpu',
  config: runConfigSchema.parse({ datasetId: 'ds-661dcb79', model: 'builtin:byt5-tiny', maxSteps: 3000 }),
  checkpoints: [
    {
      step: 600,
      path: '/d/runs/r-749cb820/checkpoints/step-00000600',
      isBest: false,
      eval: { loss: 2.1138 },
      createdAt: '',
    },
    {
      step: 700,
      path: '/d/runs/r-749cb820/checkpoints/step-00000700',
      isBest: true,
      eval: { loss: 2.1031345480836796 },
      createdAt: '',
    },
    { step: 740, path: '/d/runs/r-749cb820/checkpoints/step-00000740', isBest: false, eval: null, createdAt: '' },
  ],
  checkpointProblems: [],
  last: { loss: 2.220703125, tokensPerSecond: 23942.719628313585, 'eval.spanExactMatch': 0, lr: 5.555555555e-6 },
  bestEval: { step: 700, value: 2.1031345480836796 },
  diskBytes: 2_345_000_000,
};

describe('runs show', () => {
  it('prints metrics with six significant digits and each checkpoint with its validation loss and role', () => {
    const text = renderShow(run);
    expect(text).toMatch(/^loss +2\.2207$/m);
    expect(text).toMatch(/^tokensPerSecond +23942\.7$/m);
    expect(text).toMatch(/^eval\.spanExactMatch +0$/m);
    expect(text).toMatch(/^lr +5\.55556e-6$/m); // not 0.00000555556
    expect(text).toContain('  step 600  eval.loss 2.1138  /d/runs/r-749cb820/checkpoints/step-00000600');
    expect(text).toContain('  step 700 (best)  eval.loss 2.10313  /d/runs/r-749cb820/checkpoints/step-00000700');
    expect(text).toContain('  step 740 (last)  /d/runs/r-749cb820/checkpoints/step-00000740');
    // One checkpoint both: each role said.
    const [, best] = run.checkpoints;
    expect(renderShow({ ...run, checkpoints: [best] })).toContain('  step 700 (best, last)  eval.loss 2.10313');
    expect(text).toMatch(/^elapsed +22 s$/m);
    expect(text).toMatch(/^started +2026-12-01 13:05$/m);
    expect(text).toMatch(/^disk +2\.2 GiB$/m);
    expect(text).toMatch(/^dataset +ds-661dcb79$/m);
    // With its name when the dataset is there; said to be gone once removed.
    expect(renderShow(run, 'Sample: public-domain founding documents')).toMatch(
      /^dataset +ds-661dcb79 \(Sample: public-domain founding documents\)$/m,
    );
    expect(renderShow({ ...run, datasetId: null })).toMatch(/^dataset +\(deleted\)$/m);
  });

  it("shows the run's CPU threads beside its provider (they were in --json only)", () => {
    expect(renderShow(run)).toMatch(/^provider +cpu\nthreads +0 \(one per core\)$/m);
    expect(renderShow({ ...run, config: { ...run.config, threads: 4 } })).toMatch(/^threads +4$/m);
  });
});

describe('runs show of checkpoints that cannot be used', () => {
  it('marks one unreadable with what is wrong and one missing from disk, in step order among the others', () => {
    const folder = '/d/runs/r-749cb820/checkpoints';
    const text = renderShow({
      ...run,
      checkpointProblems: [
        {
          step: 650,
          path: `${folder}/step-00000650`,
          kind: 'unreadable',
          reason: 'model.safetensors is truncated (100,000 of 3,600,000 bytes)',
        },
        {
          step: 740,
          path: `${folder}/step-00000740`,
          kind: 'missing',
          reason: 'its folder was deleted outside Spanfill',
        },
      ],
    });
    expect(text.split('checkpoints:\n')[1].split('\n')).toEqual([
      `  step 600  eval.loss 2.1138  ${folder}/step-00000600`,
      `  step 650  unreadable: model.safetensors is truncated (100,000 of 3,600,000 bytes)  ${folder}/step-00000650`,
      `  step 700 (best)  eval.loss 2.10313  ${folder}/step-00000700`,
      `  step 740  missing: its folder was deleted outside Spanfill  ${folder}/step-00000740`,
    ]);
  });
});

describe('runs list', () => {
  it('prints one line per run with its status, local start time, progress and time trained', () => {
    expect(renderList([run])).toBe('r-749cb820  interrupted  2026-12-01 13:05  step 740/3000  22 s  tiny on Sample');
    expect(renderList([{ ...run, createdAt: 'garbled' }])).toContain('interrupted  -  step 740/3000');
  });

  it('lists the newest run first (the service gives them oldest first), in the text and in --json', async () => {
    const later = { ...run, id: 'r-later', createdAt: '2026-12-01T14:00:00.000Z' };
    const context = {
      positionals: [],
      flag: () => false,
      string: () => undefined,
      app: () => ({ runs: { list: () => [run, later] } }),
    } as unknown as CommandContext;
    const result = (await runsCommand.run(context)) as { action: 'list'; runs: RunSummary[] };
    expect(result.runs.map((r) => r.id)).toEqual(['r-later', 'r-749cb820']);
    expect(
      runsCommand.render!(result)
        .split('\n')
        .map((line) => line.split(' ')[0]),
    ).toEqual(['r-later', 'r-749cb820']);
    expect(renderList([])).toContain('spanfill train --dataset ID --preset quick');
  });
});

describe('runs compare', () => {
  const tempDir = tempDirs('spanfill-cli-runs-compare-');
  /** The table's row named `label`, its cells split on the two or more spaces between columns. */
  const row = (text: string, label: string): string[] | undefined =>
    text
      .split('\n')
      .map((line) => line.split(/ {2,}/))
      .find((cells) => cells[0] === label);

  it("names each run's dataset ('removed' once it is gone) and gives each run's status", () => {
    const failed = { ...run, id: 'r-2', status: 'failed' as const, datasetId: null };
    const text = renderCompare({
      runs: [run, failed],
      differences: [
        { key: 'datasetId', values: ['ds-661dcb79', 'ds-gone'], unused: [null, null] },
        { key: 'lr', values: [0.001, 0.003], unused: [null, 'adafactor sets its own step sizes'] },
      ],
      metrics: [
        { final: {}, bestEvalLoss: null },
        { final: {}, bestEvalLoss: null },
      ],
      datasets: { 'ds-661dcb79': 'Sample', 'ds-gone': null },
    });
    expect(row(text, 'datasetId')).toEqual(['datasetId', 'Sample', 'removed']);
    // An Adafactor run's lr is its own: the table says so beside the value, not as if it trained at it.
    expect(row(text, 'lr')).toEqual(['lr', '0.001', '0.003 (not used: adafactor sets its own step sizes)']);
    expect(row(text, 'status')).toEqual(['status', 'interrupted', 'failed']);
  });

  it('takes at most as many runs as the Runs screen compares, each once', async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    addDatasetRow(store.db, 'ds-1');
    const runs = new RunRepository(store.db);
    for (const id of ['r-aaaaaaaa', 'r-bbbbbbbb'])
      runs.add({
        id,
        name: `${id}-name`,
        config: { ...run.config, datasetId: 'ds-1' },
        totalSteps: 10,
        status: 'completed',
      });
    store.close();
    const many = Array.from({ length: 21 }, (_, i) => `r-${String(i).padStart(8, '0')}`);
    const tooMany = await cli(['runs', 'compare', ...many, '--data-dir', dataDir]);
    expect([tooMany.code, tooMany.stderr]).toEqual([
      exitCodes.usage,
      expect.stringContaining('runs compare takes at most 20 runs at a time; got 21'),
    ]);
    // The same run by its id and by its name: one column would repeat the other.
    const twice = await cli(['runs', 'compare', 'r-aaaaaaaa', 'r-aaaaaaaa-name', 'r-bbbbbbbb', '--data-dir', dataDir]);
    expect([twice.code, twice.stderr]).toEqual([
      exitCodes.usage,
      expect.stringContaining('r-aaaaaaaa-name is run r-aaaaaaaa, already given; name each run once'),
    ]);
    const sameId = await cli(['runs', 'compare', 'r-bbbbbbbb', 'r-bbbbbbbb', '--data-dir', dataDir]);
    expect(sameId.stderr).toContain('run r-bbbbbbbb is given twice; name each run once');
    const twenty = await cli(['runs', 'compare', ...many.slice(0, 20), '--data-dir', dataDir]);
    expect(twenty.stderr).toContain('No run r-00000000'); // 20 are taken: the first is then looked up
  });

  it('reads the names from the data directory, in the text and in --json', async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    for (const id of ['ds-kept', 'ds-gone']) addDatasetRow(store.db, id);
    const datasets = new DatasetRepository(store.db);
    datasets.rename('ds-kept', 'Letters');
    // Imported (the app removes a row left 'importing' when it opens the data directory).
    store.db.prepare("UPDATE datasets SET status = 'ready' WHERE id = 'ds-kept'").run();
    const runs = new RunRepository(store.db);
    for (const [id, datasetId, status] of [
      ['r-aaaaaaaa', 'ds-kept', 'completed'],
      ['r-bbbbbbbb', 'ds-gone', 'stopped'],
    ] as const)
      runs.add({ id, name: id, config: { ...run.config, datasetId }, totalSteps: 3000, status });
    datasets.delete('ds-gone');
    store.close();
    const args = ['runs', 'compare', 'r-aaaaaaaa', 'r-bbbbbbbb', '--data-dir', dataDir];
    const text = (await cli(args)).stdout;
    expect(row(text, 'datasetId')).toEqual(['datasetId', 'Letters', 'removed']);
    expect(row(text, 'status')).toEqual(['status', 'completed', 'stopped']);
    expect(JSON.parse((await cli([...args, '--json'])).stdout).datasets).toEqual({
      'ds-kept': 'Letters',
      'ds-gone': null,
    });
  });
});

describe('runs rename', () => {
  const tempDir = tempDirs('spanfill-cli-runs-');

  it('gives a run a new name, trimmed, and refuses an empty one or a missing name', async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    addDatasetRow(store.db, 'ds-661dcb79');
    new RunRepository(store.db).add({
      id: run.id,
      name: run.name,
      config: run.config,
      totalSteps: 3000,
      status: 'stopped',
    });
    store.close();
    const data = ['--data-dir', dataDir];
    const renamed = await cli(['runs', 'rename', run.id, ' lr 1e-3 ', ...data]);
    expect(renamed.stdout.trim()).toBe(`Renamed ${run.id} to "lr 1e-3"`);
    expect((await cli(['runs', ...data])).stdout).toMatch(/ lr 1e-3\n$/);
    const empty = await cli(['runs', 'rename', run.id, '', ...data]);
    expect([empty.code, empty.stderr.split('\n')[0]]).toEqual([
      exitCodes.usage,
      'spanfill runs: a name cannot be empty',
    ]);
    const unnamed = await cli(['runs', 'rename', run.id, ...data]);
    expect(unnamed.stderr).toContain('runs rename needs a run id and one new name (quote a name with spaces)');
    const json = await cli(['runs', 'rename', run.id, 'again', '--json', ...data]);
    expect(JSON.parse(json.stdout)).toMatchObject({ action: 'rename', run: { id: run.id, name: 'again' } });
  });
});

describe('run names in place of ids', () => {
  const tempDir = tempDirs('spanfill-cli-run-names-');

  it('takes a name only one run has wherever a run id goes, and asks for an id when two share it', async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    addDatasetRow(store.db, 'ds-661dcb79');
    const runs = new RunRepository(store.db);
    for (const [id, name] of [
      ['r-aaaaaaaa', 'alpha'],
      ['r-bbbbbbbb', 'twin'],
      ['r-cccccccc', 'twin'],
    ])
      runs.add({ id, name, config: run.config, totalSteps: 3000, status: 'stopped' });
    store.close();
    const data = ['--data-dir', dataDir];
    const shown = await cli(['runs', 'show', 'alpha', '--json', ...data]);
    expect(JSON.parse(shown.stdout).run.id).toBe('r-aaaaaaaa');
    expect((await cli(['runs', 'rename', 'alpha', 'beta', ...data])).stdout.trim()).toBe(
      'Renamed r-aaaaaaaa to "beta"',
    );
    const compared = JSON.parse((await cli(['runs', 'compare', 'beta', 'r-bbbbbbbb', '--json', ...data])).stdout);
    expect(compared.runs.map((r: RunSummary) => r.id)).toEqual(['r-aaaaaaaa', 'r-bbbbbbbb']);
    // An id wins over a name, so a run may not be named as another's id.
    const shadowing = await cli(['runs', 'rename', 'r-bbbbbbbb', 'r-cccccccc', ...data]);
    expect([shadowing.code, shadowing.stderr]).toEqual([
      exitCodes.usage,
      expect.stringContaining('r-cccccccc is the id of another run; a run named so could not be found by its name'),
    ]);

    const twins = 'runs are named "twin"';
    await cli(['runs', 'rename', 'r-bbbbbbbb', 'twin', ...data]);
    const ambiguous = [
      ['runs', 'show', 'twin'],
      ['runs', 'rm', 'twin'],
      ['fill', '--run', 'twin', 'a <extra_id_0> b'],
      ['export', '--run', 'twin', '--format', 'hf', '--out', `${dataDir}/out`],
    ];
    for (const args of ambiguous) {
      const result = await cli([...args, ...data]);
      expect([result.code, result.stderr], args.join(' ')).toEqual([
        exitCodes.failure,
        expect.stringContaining(
          `2 ${twins} (r-bbbbbbbb, r-cccccccc); give one id, or rename one (\`spanfill runs rename ID NAME --data-dir ${dataDir}\`)`,
        ),
      ]);
    }
    expect(JSON.parse((await cli(['runs', '--json', ...data])).stdout).runs).toHaveLength(3);
    const removed = await cli(['runs', 'rm', 'beta', ...data]);
    expect(removed.stdout.trim()).toBe('removed run r-aaaaaaaa and its files');
    expect((await cli(['runs', 'rm', 'beta', ...data])).stderr).toContain('No run beta;');
  });
});

describe('runs with an unknown action', () => {
  const tempDir = tempDirs('spanfill-cli-runs-action-');

  it('names the nearest action, in the wording of datasets and models', async () => {
    const { code, stderr } = await cli(['runs', 'shw', '--data-dir', tempDir()]);
    expect(code).toBe(exitCodes.usage);
    expect(stderr).toContain(
      "unknown runs action 'shw' (did you mean show?); expected one of: list, show, compare, rename, resume, pause, stop, rm",
    );
  });
});
