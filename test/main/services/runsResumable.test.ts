// runs.resume's checks, without an engine host: which runs may be resumed now and why the others
// may not (training here or elsewhere, starting, completed, dataset removed, diverged; a queued
// run whose process died is made interrupted first), and the checkpoint a resume continues from
// (the last at or before the last stored loss). Resumes themselves: runs-resume.test.ts and
// runsResumePoint.test.ts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src/shared/contract/runs';
import type { CheckpointInfo } from '../../../src/main/engine/train/checkpoint';
import { openStore, type Store } from '../../../src/main/store/db';
import { RunRepository, type RunRow } from '../../../src/main/store/runs';
import { thisProcessAsOwner } from '../../../src/main/services/runsLock';
import { resumableRun, resumePoint, type ResumeCheck } from '../../../src/main/services/runsResumable';
import { deadPid } from '../../support/processes';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-runs-resumable-');
const config = runConfigSchema.parse({ model: '/m', datasetId: 'ds-1', maxSteps: 12 });

let store: Store;
let repo: RunRepository;
let trainingHere: Set<string>;
let recovered: number;
let check: ResumeCheck;
beforeEach(() => {
  store = openStore(tempDir());
  addDatasetRow(store.db);
  repo = new RunRepository(store.db);
  [trainingHere, recovered] = [new Set(), 0];
  const mustGet = (id: string): RunRow => repo.mustGet(id);
  const control = {
    trainsHere: (id: string) => trainingHere.has(id),
    recoverInterrupted: () => {
      recovered++;
      for (const row of repo.listByStatus('queued')) repo.setStatus(row.id, 'interrupted');
      return [];
    },
  };
  check = { control, mustGet, checkpointDir: () => tempDir() };
});
afterEach(() => store.close());

function add(id: string, status: RunRow['status'], extra: Parameters<RunRepository['setStatus']>[2] = {}): void {
  repo.add({ id, name: id, config, totalSteps: 12, status: 'queued' });
  repo.setStatus(id, status, extra);
}

describe('resumableRun', () => {
  it('gives a paused, stopped, interrupted or failed run', () => {
    for (const status of ['paused', 'stopped', 'interrupted', 'failed'] as const) {
      add(`r-${status}`, status);
      expect(resumableRun(check, `r-${status}`)).toMatchObject({ id: `r-${status}`, status });
    }
  });

  it('refuses a run that trains, starts or is completed, saying so', () => {
    add('r-here', 'paused');
    trainingHere.add('r-here');
    expect(() => resumableRun(check, 'r-here')).toThrow('Run r-here is already running');
    add('r-running', 'running');
    expect(() => resumableRun(check, 'r-running')).toThrow('Run r-running is already running');
    add('r-starting', 'queued', thisProcessAsOwner());
    expect(() => resumableRun(check, 'r-starting')).toThrow(
      new RegExp(
        `^Run r-starting is already starting to train \\(pid ${process.pid}\\); wait for it, or stop it ` +
          '\\(Runs screen, or `spanfill runs stop r-starting`\\)$',
      ),
    );
    // Launched here, its trainer not started yet: starting too, not running.
    add('r-launched', 'queued', thisProcessAsOwner());
    trainingHere.add('r-launched');
    expect(() => resumableRun(check, 'r-launched')).toThrow(/^Run r-launched is already starting to train/);
    add('r-done', 'completed');
    expect(() => resumableRun(check, 'r-done')).toThrow('Run r-done is completed; start a new run to train more');
    expect(recovered).toBe(0);
  });

  it('makes a run queued by a process that died interrupted first, and gives it', () => {
    add('r-orphan', 'queued', { ownerPid: deadPid() });
    expect(resumableRun(check, 'r-orphan')).toMatchObject({ status: 'interrupted' });
    expect(recovered).toBe(1);
  });

  it('refuses a run whose dataset is gone or whose loss diverged, and an unknown run', () => {
    add('r-gone', 'stopped');
    store.db.prepare("DELETE FROM datasets WHERE id = 'ds-1'").run();
    expect(() => resumableRun(check, 'r-gone')).toThrow(/dataset/);
    addDatasetRow(store.db);
    add('r-diverged', 'failed', { error: 'step 7: training diverged (loss NaN)' });
    expect(() => resumableRun(check, 'r-diverged')).toThrow(/diverged/);
    expect(() => resumableRun(check, 'r-missing')).toThrow(/r-missing/);
  });

  it("says what to change of a diverged run's own settings: clipping was on, so the learning rate", () => {
    add('r-diverged', 'failed', { error: 'step 7: training diverged (loss NaN)' });
    expect(() => resumableRun(check, 'r-diverged')).toThrow(
      `Start a new run with a lower learning rate (lr, ${config.lr} in this run; gradient clipping was on, clipNorm 1)`,
    );
  });
});

describe('resumePoint', () => {
  const whole: CheckpointInfo[] = [4, 8, 12].map((step) => ({ step, dir: `/c/${step}`, validationLoss: null }));

  it('is the last checkpoint at or before the last stored loss, whatever step other metrics reach', () => {
    add('r-1', 'stopped');
    const points = (last: number) => Array.from({ length: last }, (_, i) => ({ step: i + 1, name: 'loss', value: 1 }));
    repo.addMetrics('r-1', [...points(6), { step: 12, name: 'lr', value: 0.1 }]);
    expect(resumePoint(repo, 'r-1', whole)?.step).toBe(4);
    repo.addMetrics('r-1', points(8));
    expect(resumePoint(repo, 'r-1', whole)?.step).toBe(8);
  });

  it('is the last checkpoint with no loss stored, and none without checkpoints', () => {
    add('r-1', 'stopped');
    expect(resumePoint(repo, 'r-1', whole)?.step).toBe(12);
    expect(resumePoint(repo, 'r-1', [])).toBeUndefined();
  });
});
