// The runs watcher over a real store, with the writes another process would make (a
// `spanfill train` in a terminal): a new run, its status, steps, metric points and checkpoints
// become the events this process's own runs send, each point once; a run trained here is left
// to its own events, and what it announced as it ended is not said again once it is let go; what
// the store held when watching began is not announced again; a run renamed or removed there is
// announced once as such, one renamed or removed here (announced by the runs service) not again.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import type { EventName } from '../../../src/shared/events';
import { openStore } from '../../../src/main/store/db';
import { RunRepository } from '../../../src/main/store/runs';
import { EventBus } from '../../../src/main/services/events';
import { RunsWatcher } from '../../../src/main/services/runsWatch';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-watch-');
const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 8 });

function open(trainedHere: ReadonlySet<string> = new Set()) {
  const dataDir = tempDir();
  const store = openStore(dataDir);
  addDatasetRow(store.db);
  const repo = new RunRepository(store.db);
  const events = new EventBus();
  const heard: [EventName, unknown][] = [];
  events.subscribe((name, payload) => heard.push([name, payload]));
  const watcher = new RunsWatcher({
    repo,
    events,
    dataDir,
    trainsHere: (id) => trainedHere.has(id),
    recoverGone: () => undefined, // the runs service's; its own tests cover it
  });
  /** The events one look at the store sends. */
  const look = (): [EventName, unknown][] => {
    heard.length = 0;
    watcher.poll();
    return [...heard];
  };
  return { store, repo, events, watcher, look, dataDir };
}

describe('RunsWatcher', () => {
  it("announces another process's run as it trains: status, points once, progress and checkpoints", () => {
    const { store, repo, watcher, look, dataDir } = open();
    try {
      repo.add({ id: 'r-old', name: 'old', config, totalSteps: 8, status: 'completed' });
      repo.addMetrics('r-old', [{ step: 8, name: 'loss', value: 1 }]);
      watcher.start(3_600_000); // only the looks below
      expect(look()).toEqual([]);

      repo.add({ id: 'r-new', name: 'new', config, totalSteps: 8, status: 'queued' });
      expect(look()).toEqual([['runs.statusChanged', { runId: 'r-new', status: 'queued', step: 0 }]]);
      repo.setStatus('r-new', 'running', { provider: 'cpu' });
      expect(look()).toEqual([
        ['runs.statusChanged', { runId: 'r-new', status: 'running', step: 0, totalSteps: 8, provider: 'cpu' }],
      ]);

      repo.setProgress('r-new', 2, 400);
      repo.addMetrics('r-new', [
        { step: 1, name: 'loss', value: 5 },
        { step: 2, name: 'loss', value: 4 },
        { step: 2, name: 'lr', value: 0.01 },
        { step: 2, name: 'tokensPerSecond', value: 300 },
      ]);
      const second = look();
      expect(second.filter(([name]) => name === 'runs.metrics')).toEqual([
        [
          'runs.metrics',
          {
            runId: 'r-new',
            points: [
              { step: 1, name: 'loss', value: 5 },
              { step: 2, name: 'loss', value: 4 },
            ],
          },
        ],
        ['runs.metrics', { runId: 'r-new', points: [{ step: 2, name: 'lr', value: 0.01 }] }],
        ['runs.metrics', { runId: 'r-new', points: [{ step: 2, name: 'tokensPerSecond', value: 300 }] }],
      ]);
      expect(second).toContainEqual([
        'runs.progress',
        {
          runId: 'r-new',
          step: 2,
          totalSteps: 8,
          loss: 4,
          learningRate: 0.01,
          tokensPerSecond: 300,
          elapsedMs: 400,
          etaMs: 1200,
        },
      ]);
      // Its status is what it was: the step travels in runs.progress only, as a run trained here's does.
      expect(second.some(([name]) => name === 'runs.statusChanged')).toBe(false);
      // Nothing new: nothing said. An evaluation written after its step's losses still comes.
      expect(look()).toEqual([]);
      repo.addMetrics('r-new', [{ step: 2, name: 'eval.loss', value: 3.5 }]);
      repo.addCheckpoint(
        'r-new',
        { step: 2, path: 'runs/r-new/checkpoints/step-00000002', eval: null, isBest: true },
        [],
      );
      expect(look()).toEqual([
        ['runs.metrics', { runId: 'r-new', points: [{ step: 2, name: 'eval.loss', value: 3.5 }] }],
        [
          'runs.checkpoint',
          { runId: 'r-new', step: 2, path: path.join(dataDir, 'runs/r-new/checkpoints/step-00000002'), isBest: true },
        ],
      ]);

      repo.setProgress('r-new', 8, 1600);
      repo.setStatus('r-new', 'completed', { step: 8 });
      const last = look();
      expect(last.some(([name]) => name === 'runs.progress')).toBe(false); // not running any more
      expect(last.at(-1)).toEqual(['runs.statusChanged', { runId: 'r-new', status: 'completed', step: 8 }]);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it('says a step of a run training in runs.progress alone, once its first points are stored to say it with', () => {
    const { store, repo, watcher, look } = open();
    try {
      repo.add({ id: 'r-new', name: 'new', config, totalSteps: 8, status: 'running' });
      watcher.start(3_600_000);
      // A step stored before its points (that process writes them a moment later): nothing to say yet.
      repo.setProgress('r-new', 1, 100);
      expect(look()).toEqual([]);
      repo.addMetrics('r-new', [
        { step: 1, name: 'loss', value: 5 },
        { step: 1, name: 'lr', value: 0.01 },
        { step: 1, name: 'tokensPerSecond', value: 300 },
      ]);
      const said = look();
      expect(said.map(([name]) => name)).toEqual(['runs.metrics', 'runs.metrics', 'runs.metrics', 'runs.progress']);
      expect(said.at(-1)).toMatchObject(['runs.progress', { runId: 'r-new', step: 1, loss: 5 }]);
      expect(look()).toEqual([]);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it('says the status again, at its new step, of a run that trained between two looks and stopped again', () => {
    const { store, repo, watcher, look } = open();
    try {
      repo.add({ id: 'r-stop', name: 'stop', config, totalSteps: 8, status: 'running' });
      repo.setProgress('r-stop', 2, 100);
      repo.setStatus('r-stop', 'stopped', { step: 2 });
      watcher.start(3_600_000);
      // Resumed and stopped again in a terminal between the looks: no runs.progress (it is not
      // training), so its status says where it stands now.
      repo.setProgress('r-stop', 4, 200);
      repo.addMetrics('r-stop', [{ step: 4, name: 'loss', value: 2 }]);
      expect(look()).toEqual([
        ['runs.metrics', { runId: 'r-stop', points: [{ step: 4, name: 'loss', value: 2 }] }],
        ['runs.statusChanged', { runId: 'r-stop', status: 'stopped', step: 4 }],
      ]);
      expect(look()).toEqual([]);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it('leaves a run trained here to its own events, and takes what it wrote meanwhile as known', () => {
    const here = new Set(['r-here']);
    const { store, repo, watcher, look } = open(here);
    try {
      watcher.start(3_600_000);
      repo.add({ id: 'r-here', name: 'here', config, totalSteps: 8, status: 'running' });
      repo.setProgress('r-here', 4, 100);
      repo.addMetrics('r-here', [{ step: 4, name: 'loss', value: 2 }]);
      expect(look()).toEqual([]);
      // Trained elsewhere from now on (resumed by a terminal): only what is new is said.
      here.clear();
      repo.addMetrics('r-here', [{ step: 5, name: 'loss', value: 1.5 }]);
      expect(look()).toEqual([['runs.metrics', { runId: 'r-here', points: [{ step: 5, name: 'loss', value: 1.5 }] }]]);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it('says nothing again of what a run trained here announced as it ended, once this process lets go of it', () => {
    const here = new Set(['r-here']);
    const { store, repo, events, watcher, look, dataDir } = open(here);
    try {
      repo.add({ id: 'r-here', name: 'here', config, totalSteps: 8, status: 'running' });
      watcher.start(3_600_000);
      repo.setProgress('r-here', 4, 100);
      expect(look()).toEqual([]);
      // Its last writes after that look, each announced by this process as the runs record does.
      repo.setProgress('r-here', 8, 200);
      repo.addMetrics('r-here', [{ step: 8, name: 'loss', value: 1 }]);
      events.emit('runs.metrics', { runId: 'r-here', points: [{ step: 8, name: 'loss', value: 1 }] });
      const checkpoint = 'runs/r-here/checkpoints/step-00000008';
      repo.addCheckpoint('r-here', { step: 8, path: checkpoint, eval: null, isBest: true }, []);
      events.emit('runs.checkpoint', { runId: 'r-here', step: 8, path: path.join(dataDir, checkpoint), isBest: true });
      repo.setStatus('r-here', 'completed', { step: 8 });
      events.emit('runs.statusChanged', { runId: 'r-here', status: 'completed', step: 8 });
      here.clear();
      expect(look()).toEqual([]);
      // A terminal's resume of it afterwards is news.
      repo.setStatus('r-here', 'running', { provider: 'cpu' });
      expect(look().map(([name]) => name)).toEqual(['runs.statusChanged']);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it('announces each run renamed or removed since the last look, once, whoever trained, renamed or removed it', () => {
    const { store, repo, watcher, look } = open(new Set(['r-here']));
    try {
      repo.add({ id: 'r-old', name: 'old', config, totalSteps: 8, status: 'completed' });
      repo.add({ id: 'r-here', name: 'here', config, totalSteps: 8, status: 'stopped' });
      watcher.start(3_600_000);
      repo.add({ id: 'r-new', name: 'new', config, totalSteps: 8, status: 'queued' });
      look();
      repo.rename('r-old', 'old, renamed');
      repo.rename('r-here', 'here, renamed');
      // (In the store's order: by creation time, then id — the two may share a millisecond.)
      const renamed = look();
      expect(renamed).toHaveLength(2);
      expect(renamed).toEqual(
        expect.arrayContaining([
          ['runs.renamed', { runId: 'r-old', name: 'old, renamed' }],
          ['runs.renamed', { runId: 'r-here', name: 'here, renamed' }],
        ]),
      );
      expect(look()).toEqual([]);
      repo.remove('r-old');
      repo.remove('r-new');
      expect(look()).toEqual([
        ['runs.removed', { runId: 'r-old' }],
        ['runs.removed', { runId: 'r-new' }],
      ]);
      expect(look()).toEqual([]);
      repo.remove('r-here');
      expect(look()).toEqual([['runs.removed', { runId: 'r-here' }]]);
    } finally {
      watcher.stop();
      store.close();
    }
  });

  it('says nothing again of a run renamed or removed in this process, which the runs service announced', () => {
    const { store, repo, events, watcher, look } = open();
    try {
      repo.add({ id: 'r-a', name: 'a', config, totalSteps: 8, status: 'completed' });
      repo.add({ id: 'r-b', name: 'b', config, totalSteps: 8, status: 'completed' });
      watcher.start(3_600_000);
      // As RunService.rename and remove do: the store written, then the event sent.
      repo.rename('r-a', 'a, renamed');
      events.emit('runs.renamed', { runId: 'r-a', name: 'a, renamed' });
      repo.remove('r-b');
      events.emit('runs.removed', { runId: 'r-b' });
      expect(look()).toEqual([]);
      repo.rename('r-a', 'a, renamed in a terminal');
      expect(look()).toEqual([['runs.renamed', { runId: 'r-a', name: 'a, renamed in a terminal' }]]);
    } finally {
      watcher.stop();
      store.close();
    }
  });
});
