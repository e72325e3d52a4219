// runsDelete.ts: Delete… says what goes (the checkpoints, what continued from them) and what stays (exports).
import { describe, expect, it } from 'vitest';
import { deleteRunQuestion, deleteWaitsFor } from '../../../../src/renderer/src/lib/runsDelete';

const run = { id: 'r-1', name: 'first', model: 'builtin:t5-small' };

describe('deleteRunQuestion', () => {
  it('says the exports in the data directory are kept', () => {
    expect(deleteRunQuestion(run, [run], 2048, '/home/a/.spanfill')).toBe(
      'Delete first and its checkpoints (2.0 KiB)? Its exports in /home/a/.spanfill/exports are kept.',
    );
    expect(deleteRunQuestion(run, [run], undefined, 'C:\\Users\\a\\Spanfill\\')).toBe(
      'Delete first and its checkpoints? Its exports in C:\\Users\\a\\Spanfill\\exports are kept.',
    );
    expect(deleteRunQuestion(run, [run], undefined, undefined)).toBe(
      'Delete first and its checkpoints? Its exports are kept.',
    );
  });

  it('names the runs that continued from its checkpoints', () => {
    const later = { id: 'r-2', name: 'later', model: '/data/runs/r-1/checkpoints/step-10' };
    expect(deleteRunQuestion(run, [run, later], undefined, undefined)).toBe(
      'Delete first and its checkpoints? later continued from them and could not be resumed or re-run after. ' +
        'Its exports are kept.',
    );
  });
});

describe('deleteWaitsFor', () => {
  it('holds Delete… while the run trains or is starting to (the service refuses both), saying what to do', () => {
    expect(deleteWaitsFor('running')).toBe('It trains: stop it first');
    expect(deleteWaitsFor('queued')).toBe('It is starting to train: stop it first');
    for (const status of ['paused', 'completed', 'stopped', 'interrupted', 'failed'] as const)
      expect(deleteWaitsFor(status)).toBeUndefined();
  });
});
