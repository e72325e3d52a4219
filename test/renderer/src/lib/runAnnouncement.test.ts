// The Train screen's live region speaks on a change of the shown run's status only, in words
// that carry the step, the last loss or the reason.

import { describe, expect, it } from 'vitest';
import type { RunDetail, RunStatusName } from '../../../../src/shared/contract/runs';
import { runAnnouncement, statusWords } from '../../../../src/renderer/src/lib/runAnnouncement';

/** A run with only what the words read (the rest of a RunDetail does not matter here). */
function run(status: RunStatusName, more: { step?: number; loss?: number; error?: string } = {}): RunDetail {
  const last: Record<string, number> = more.loss === undefined ? {} : { loss: more.loss };
  return { id: 'r-1', status, step: more.step ?? 0, last, error: more.error ?? null } as unknown as RunDetail;
}

describe('statusWords', () => {
  it('says a start, a resume, a pause and a stop with the step', () => {
    expect(statusWords(run('running', { step: 3 }), 'queued')).toBe('Training started.');
    expect(statusWords(run('running', { step: 1200 }), 'paused')).toBe('Training resumed.');
    expect(statusWords(run('paused', { step: 1200 }))).toBe('Paused at step 1,200.');
    expect(statusWords(run('paused', { step: 40 }))).toBe('Paused at step 40.');
    expect(statusWords(run('stopped', { step: 7 }))).toBe('Stopped at step 7.');
  });

  it('says the last loss of a finished run, to four figures', () => {
    expect(statusWords(run('completed', { loss: 2.345678 }))).toBe('Finished: last loss 2.346.');
    expect(statusWords(run('completed'))).toBe('Finished.');
  });

  it('says why a run failed, without the backticks that mark code on screen', () => {
    expect(statusWords(run('failed', { error: 'out of memory: try `--batch-size 2`' }))).toBe(
      'Failed: out of memory: try --batch-size 2',
    );
    expect(statusWords(run('interrupted', { step: 3 }))).toBe('Interrupted at step 3.');
  });
});

describe('runAnnouncement', () => {
  it('speaks when the status of the run shown changes', () => {
    expect(runAnnouncement({ id: 'r-1', status: 'running' }, run('completed', { loss: 1.5 }))).toBe(
      'Finished: last loss 1.500.',
    );
  });

  it('stays quiet for a run just opened, another run, the same status and no run', () => {
    expect(runAnnouncement(undefined, run('completed'))).toBeUndefined();
    expect(runAnnouncement({ id: 'r-2', status: 'running' }, run('completed'))).toBeUndefined();
    expect(runAnnouncement({ id: 'r-1', status: 'running' }, run('running', { step: 5 }))).toBeUndefined();
    expect(runAnnouncement({ id: 'r-1', status: 'running' }, undefined)).toBeUndefined();
  });
});
