// Each run's export in a window (lib/exportJobs.ts, the rules of lib/exports.svelte.ts): kept by
// run while its panel comes and goes, progress to the export in flight, the outcome or the
// confirm to replace, and what a removal of the run leaves told on the Train screen.

import { describe, expect, it } from 'vitest';
import type { ExportRequest, ExportResult } from '../../../../src/shared/contract/export';
import { ApiError } from '../../../../src/shared/errors';
import { exportRequestOf, ExportJobs, folderErrorOf } from '../../../../src/renderer/src/lib/exportJobs';

const run = { id: 'r-1', name: 'first' };
const out = '/data/exports/r-1-best-hf';
const result: ExportResult = {
  format: 'hf',
  out,
  files: ['config.json', 'model.safetensors'],
  bytes: 2048,
  checkpoint: { runId: 'r-1', step: 60 },
};
const progress = { format: 'hf', stage: 'weights', done: 1, total: 3 } as const;

/** Jobs whose exports answer only when the test settles them, in the order made. */
function heldJobs(): {
  jobs: ExportJobs;
  requests: ExportRequest[];
  settle(outcome: ExportResult | Error): Promise<void>;
} {
  const requests: ExportRequest[] = [];
  const pending: { resolve(r: ExportResult): void; reject(e: Error): void }[] = [];
  const jobs = new ExportJobs({
    run(request) {
      requests.push(request);
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
    reactive: (value) => value,
  });
  return {
    jobs,
    requests,
    async settle(outcome) {
      const next = pending.shift();
      if (!next) throw new Error('no export in flight');
      if (outcome instanceof Error) next.reject(outcome);
      else next.resolve(outcome);
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

describe('exports by run', () => {
  it('keeps a run’s export and choices while no panel shows it, and shows it as it stands when one comes back', async () => {
    const { jobs, requests, settle } = heldJobs();
    const stopWatching = jobs.watch(run.id);
    jobs.jobOf(run.id).choices.which = 'last';
    const exported = jobs.start(run, ` ${out} `, false);
    stopWatching(); // another screen
    expect(jobs.jobOf(run.id)).toMatchObject({ isBusy: true, out, choices: { which: 'last' } });
    jobs.progressed(progress);
    expect(jobs.jobOf(run.id).progress).toEqual(progress);
    await settle(result);
    await exported;
    expect(jobs.jobOf(run.id)).toMatchObject({ isBusy: false, result, isSeen: false });
    jobs.watch(run.id); // back
    expect(jobs.jobOf(run.id).isSeen).toBe(true);
    expect(requests).toEqual([{ run: { id: run.id, checkpoint: 'last' }, format: 'hf', out, force: false }]);
    // Another run keeps its own.
    expect(jobs.jobOf('r-2')).toMatchObject({ isBusy: false, result: undefined, choices: { which: 'best' } });
  });

  it('sends progress only to an export in flight of its format', async () => {
    const { jobs, settle } = heldJobs();
    jobs.jobOf('r-2').choices.format = 'transformers.js';
    void jobs.start(run, out, false);
    void jobs.start({ id: 'r-2', name: 'second' }, '/web', false);
    jobs.progressed(progress);
    expect(jobs.jobOf(run.id).progress).toEqual(progress);
    expect(jobs.jobOf('r-2').progress).toBeUndefined();
    await settle(result);
    jobs.progressed({ ...progress, done: 2 });
    expect(jobs.jobOf(run.id).progress).toEqual(progress); // settled: no longer its
  });

  it('offers to replace an earlier export on a conflict, forces it when confirmed, and clears the outcome on a change', async () => {
    const { jobs, requests, settle } = heldJobs();
    jobs.watch(run.id);
    void jobs.start(run, out, false);
    await settle(new ApiError('conflict', `${out} holds an earlier hf export`));
    expect(jobs.jobOf(run.id)).toMatchObject({
      isTaken: true,
      error: `${out} holds an earlier hf export`,
      isSeen: true,
    });
    void jobs.start(run, out, true);
    expect(jobs.jobOf(run.id)).toMatchObject({ isBusy: true, isTaken: false, error: undefined });
    expect(requests.at(-1)?.force).toBe(true);
    await settle(new Error('disk full'));
    expect(jobs.jobOf(run.id)).toMatchObject({ isTaken: false, error: 'disk full' });
    jobs.changed(run.id);
    expect(jobs.jobOf(run.id)).toMatchObject({ error: undefined, isTaken: false, result: undefined });
  });

  it('offers no replace when the run went meanwhile, and leaves the folder it names unmarked', async () => {
    // (the service's refusal when the run was removed before its checkpoint was copied: another
    // window or `spanfill runs rm`, whose removal this window may hear of only after the refusal)
    const gone = `Run 'first' (r-1) was removed while it was being exported; nothing was exported to ${out}`;
    const { jobs, settle } = heldJobs();
    jobs.watch(run.id);
    void jobs.start(run, out, false);
    await settle(new ApiError('not_found', gone));
    expect(jobs.jobOf(run.id)).toMatchObject({ isTaken: false, isSourceGone: true, error: gone });
    expect(folderErrorOf(jobs.jobOf(run.id))).toBeUndefined();
    expect(jobs.panelOf(run.id, false)).toBe('form');

    void jobs.start(run, out, false);
    await settle(new ApiError('invalid_input', `${out} is a file, not a folder`));
    expect(jobs.jobOf(run.id)).toMatchObject({ isTaken: false, isSourceGone: false });
    expect(folderErrorOf(jobs.jobOf(run.id))).toBe(`${out} is a file, not a folder`);
    void jobs.start(run, out, false);
    await settle(new ApiError('conflict', `${out} holds an earlier hf export`));
    expect(folderErrorOf(jobs.jobOf(run.id))).toBeUndefined(); // (said with its confirm to replace)
  });

  it('asks for the int8 copy only with transformers.js', () => {
    const choices = { which: '30', format: 'transformers.js', isQuantized: true, typedOut: undefined } as const;
    expect(exportRequestOf('r-1', choices, '/web', false)).toEqual({
      run: { id: 'r-1', checkpoint: 30 },
      format: 'transformers.js',
      out: '/web',
      force: false,
      quantize: 'int8',
    });
    expect(exportRequestOf('r-1', { ...choices, format: 'hf' }, '/hf', false)).not.toHaveProperty('quantize');
  });
});

describe('an export whose run is removed', () => {
  it('is told while in flight, with its outcome once it settles, until dismissed', async () => {
    const { jobs, settle } = heldJobs();
    const stopWatching = jobs.watch(run.id);
    void jobs.start(run, out, false);
    jobs.renamed(run.id, 'renamed');
    stopWatching(); // the run view closes with the removal
    jobs.removed(run.id);
    expect(jobs.told).toHaveLength(1);
    expect(jobs.told[0]).toMatchObject({ runId: run.id, runName: 'renamed', isBusy: true, out, isRunRemoved: true });
    jobs.progressed(progress);
    expect(jobs.told[0].progress).toEqual(progress);
    await settle(result);
    expect(jobs.told[0]).toMatchObject({ isBusy: false, result, isSeen: false });
    jobs.dismiss(jobs.told[0]);
    expect(jobs.told).toEqual([]);
    // The run's job went with it.
    expect(jobs.jobOf(run.id).result).toBeUndefined();
  });

  it('is told with its failure', async () => {
    const { jobs, settle } = heldJobs();
    void jobs.start(run, out, false);
    jobs.removed(run.id);
    await settle(new Error(`run ${run.id} was removed before its checkpoint was copied`));
    expect(jobs.told[0]).toMatchObject({
      isBusy: false,
      error: `run ${run.id} was removed before its checkpoint was copied`,
    });
  });

  it('is told when it finished unseen, and not when its outcome was shown or there was none', async () => {
    const { jobs, settle } = heldJobs();
    void jobs.start(run, out, false);
    await settle(result); // on another screen
    jobs.removed(run.id);
    expect(jobs.told.map((job) => job.runId)).toEqual([run.id]);

    const seen = { id: 'r-2', name: 'second' };
    jobs.watch(seen.id);
    void jobs.start(seen, '/second', false);
    await settle(result);
    jobs.removed(seen.id);
    jobs.jobOf('r-3').choices.which = 'last';
    jobs.removed('r-3');
    jobs.removed('r-never');
    expect(jobs.told.map((job) => job.runId)).toEqual([run.id]);
  });
});

describe('the export panel of a run that trains (resumed here, in another window or a terminal)', () => {
  it('is the whole form only while the run does not train', () => {
    const { jobs } = heldJobs();
    expect(jobs.panelOf(run.id, false)).toBe('form');
    jobs.jobOf(run.id); // a panel showed it, nothing exported
    expect(jobs.panelOf(run.id, false)).toBe('form');
    expect(jobs.panelOf(run.id, true)).toBeUndefined();
    expect(jobs.panelOf('r-never-shown', true)).toBeUndefined();
  });

  it('keeps an export under way, then its outcome, without a new export to offer', async () => {
    const { jobs, settle } = heldJobs();
    void jobs.start(run, out, false);
    expect(jobs.panelOf(run.id, true)).toBe('job');
    await settle(result);
    expect(jobs.panelOf(run.id, true)).toBe('job');
    void jobs.start(run, out, false);
    await settle(new ApiError('invalid_input', 'The disk is full'));
    expect(jobs.panelOf(run.id, true)).toBe('job');
    expect(jobs.panelOf(run.id, false)).toBe('form');
  });

  it('drops the confirm to replace an earlier export: that would be a new export', async () => {
    const { jobs, settle } = heldJobs();
    void jobs.start(run, out, false);
    await settle(new ApiError('conflict', `${out} holds an earlier export`));
    expect(jobs.jobOf(run.id).isTaken).toBe(true);
    expect(jobs.panelOf(run.id, true)).toBeUndefined();
  });
});

describe('the outcome of an export made before the run trains again (resumed here, in another window or a terminal)', () => {
  /** The folder box's refusal of the last export, before the run was resumed. */
  const refused = `${out} holds other files: choose a new or empty folder`;

  it('drops an error about an earlier export as the run starts: the form comes back without it once it stops', async () => {
    const { jobs, settle } = heldJobs();
    jobs.watch(run.id);
    void jobs.start(run, out, false);
    await settle(new ApiError('invalid_input', refused));
    jobs.statusChanged(run.id, 'queued');
    expect(jobs.jobOf(run.id)).toMatchObject({ error: undefined, isTaken: false, isSourceGone: false });
    expect(jobs.panelOf(run.id, true)).toBeUndefined(); // nothing of an export to say while it trains
    jobs.statusChanged(run.id, 'running');
    jobs.statusChanged(run.id, 'stopped');
    expect(jobs.panelOf(run.id, false)).toBe('form');
    expect(jobs.jobOf(run.id).error).toBeUndefined();
  });

  it('drops the confirm to replace an earlier export, and a refusal because the checkpoint went', async () => {
    const { jobs, settle } = heldJobs();
    void jobs.start(run, out, false);
    await settle(new ApiError('conflict', `${out} holds an earlier hf export`));
    jobs.statusChanged(run.id, 'running');
    expect(jobs.jobOf(run.id)).toMatchObject({ error: undefined, isTaken: false });
    jobs.statusChanged(run.id, 'paused');
    void jobs.start(run, out, false);
    await settle(new ApiError('not_found', 'Checkpoint step 60 of run r-1 was not found'));
    jobs.statusChanged(run.id, 'queued');
    expect(jobs.jobOf(run.id)).toMatchObject({ error: undefined, isSourceGone: false });
  });

  it('keeps what a finished export wrote, with the step it wrote, while the run trains and once it stops', async () => {
    const { jobs, settle } = heldJobs();
    void jobs.start(run, out, false);
    await settle(result);
    jobs.statusChanged(run.id, 'running');
    expect(jobs.panelOf(run.id, true)).toBe('job');
    expect(jobs.jobOf(run.id).result?.checkpoint).toEqual({ runId: run.id, step: 60 });
    jobs.statusChanged(run.id, 'stopped');
    expect(jobs.jobOf(run.id).result).toEqual(result);
  });

  it('keeps the outcome of an export under way as it starts, even as the run says again that it trains', async () => {
    const { jobs, settle } = heldJobs();
    void jobs.start(run, out, false);
    jobs.statusChanged(run.id, 'queued');
    await settle(new ApiError('invalid_input', 'The disk is full'));
    jobs.statusChanged(run.id, 'running');
    expect(jobs.jobOf(run.id).error).toBe('The disk is full');
    expect(jobs.panelOf(run.id, true)).toBe('job');
    // Stopped and resumed once more: that outcome is from before too.
    jobs.statusChanged(run.id, 'stopped');
    jobs.statusChanged(run.id, 'running');
    expect(jobs.jobOf(run.id).error).toBeUndefined();
  });

  it('leaves the exports of other runs as they are', async () => {
    const { jobs, settle } = heldJobs();
    void jobs.start(run, out, false);
    await settle(new ApiError('invalid_input', refused));
    jobs.statusChanged('r-2', 'running');
    expect(jobs.jobOf(run.id).error).toBe(refused);
  });
});
