// runsCompare.ts: the settings that differ (dotted keys, each run's value, names as shown) and
// each run's final metrics and best validation loss (the value of its lowest point), and the
// compared runs' dataset names.
import { describe, expect, it } from 'vitest';
import { compareRuns, type MetricSummary } from '../../../src/main/services/runsCompare';
import { runConfigSchema, type RunConfig, type RunSummary } from '../../../src/shared/contract/runs';

const summary = (id: string, name: string): RunSummary => ({
  id,
  name,
  status: 'completed',
  datasetId: 'ds-1',
  model: 'builtin:byt5-tiny',
  step: 4,
  totalSteps: 4,
  createdAt: '2026-12-01T12:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  elapsedMs: 0,
  error: null,
  provider: 'cpu',
});
const config = (extra: Partial<RunConfig>): RunConfig =>
  runConfigSchema.parse({ model: 'builtin:byt5-tiny', datasetId: 'ds-1', maxSteps: 4, ...extra });
/** A run with no metric points yet. */
const none: MetricSummary = { final: {}, bestEval: null };

describe('compareRuns', () => {
  it('lists only the keys that differ, a run without a name by the name it is shown with', () => {
    const runs = [summary('r-1', 'builtin:byt5-tiny on notes'), summary('r-2', 'faster')];
    const configs = [config({}), config({ name: 'faster', lr: 3e-3, optimizer: { kind: 'adafactor' } })];
    const summaries: MetricSummary[] = [
      { final: { loss: 2 }, bestEval: null },
      { final: { 'eval.loss': 2.6 }, bestEval: { step: 2, value: 2.4 } },
    ];
    const c = compareRuns(runs, configs, summaries, () => 'notes');
    // Adafactor's relative steps leave its lr unused: the comparison says so beside that value.
    const adafactorOwn = 'adafactor sets its own step sizes';
    expect(c.differences).toEqual([
      { key: 'lr', values: [1e-3, 3e-3], unused: [null, adafactorOwn] },
      { key: 'name', values: ['builtin:byt5-tiny on notes', 'faster'], unused: [null, null] },
      { key: 'optimizer.kind', values: ['adamw', 'adafactor'], unused: [null, null] },
    ]);
    expect(c.metrics).toEqual([
      { final: { loss: 2 }, bestEvalLoss: null },
      { final: { 'eval.loss': 2.6 }, bestEvalLoss: 2.4 },
    ]);
  });

  it('says where a differing schedule or warm-up does nothing, in both Adafactor runs', () => {
    const runs = [summary('r-1', 'a'), summary('r-2', 'b')];
    const adafactor = { kind: 'adafactor' } as const;
    const configs = [
      config({ optimizer: adafactor, schedule: 'constant', warmupSteps: 0 }),
      config({ optimizer: adafactor, schedule: 'cosine', warmupSteps: 2 }),
    ];
    const unused = ['adafactor sets its own step sizes', 'adafactor sets its own step sizes'];
    expect(compareRuns(runs, configs, [none, none], () => 'notes').differences).toEqual([
      { key: 'name', values: ['a', 'b'], unused: [null, null] },
      { key: 'schedule', values: ['constant', 'cosine'], unused },
      { key: 'warmupSteps', values: [0, 2], unused },
    ]);
  });

  it('finds no difference between two runs of one configuration with the same default name', () => {
    const runs = [summary('r-1', 'tiny on notes'), summary('r-2', 'tiny on notes')];
    expect(compareRuns(runs, [config({}), config({})], [none, none], () => 'notes').differences).toEqual([]);
  });

  it("names each run's dataset once, null where it is no longer there", () => {
    const runs = [summary('r-1', 'a'), summary('r-2', 'b'), summary('r-3', 'c')];
    const configs = [config({}), config({ datasetId: 'ds-2' }), config({})];
    const names: Record<string, string> = { 'ds-1': 'Letters' };
    const asked: string[] = [];
    const c = compareRuns(runs, configs, [none, none, none], (id) => {
      asked.push(id);
      return names[id] ?? null;
    });
    expect(c.datasets).toEqual({ 'ds-1': 'Letters', 'ds-2': null });
    expect(asked).toEqual(['ds-1', 'ds-2']);
  });
});
