// resumeRace.ts: a Resume that lost the race to another window or a terminal (refused because the
// run trains already) says the run was resumed elsewhere, not that something failed.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../src/shared/errors';
import {
  resumedElsewhere,
  resumeNotices,
  type ResumeSaid,
  resumeSaidAfter,
} from '../../../../src/renderer/src/lib/resumeRace';

const refused = new ApiError('conflict', 'Run r-1 is already running');

describe('resumedElsewhere', () => {
  it('says a refused resume of a run that now trains, or is starting to, was resumed elsewhere', () => {
    expect(resumedElsewhere(refused, 'running')).toBe(
      'Resumed elsewhere (another window or a terminal) before this Resume reached it: it trains now.',
    );
    expect(resumedElsewhere(refused, 'queued')).toBe(
      'Resumed elsewhere (another window or a terminal) before this Resume reached it: it is starting to train.',
    );
  });

  it('leaves every other refusal to be said as it is', () => {
    // (another run holds the trainer: this one does not train)
    expect(resumedElsewhere(new ApiError('conflict', 'Another trainer is running'), 'stopped')).toBeUndefined();
    expect(resumedElsewhere(refused, undefined)).toBeUndefined(); // (it could not be read again)
    expect(resumedElsewhere(new ApiError('unavailable', 'The connection was lost'), 'running')).toBeUndefined();
    expect(resumedElsewhere(new Error('boom'), 'running')).toBeUndefined();
  });
});

describe('resumeNotices', () => {
  const elsewhere: ResumeSaid = {
    id: 'r-1',
    notices: ['Resumed elsewhere (another window or a terminal) before this Resume reached it: it trains now.'],
    isElsewhere: true,
  };
  const passedOver: ResumeSaid = { id: 'r-1', notices: ['Checkpoint step 40 did not read: resumed from step 20.'] };

  it("says a resume elsewhere only while the run trains or is starting to: it says 'it trains now'", () => {
    expect(resumeNotices(elsewhere, { id: 'r-1', status: 'running' })).toBe(elsewhere.notices[0]);
    expect(resumeNotices(elsewhere, { id: 'r-1', status: 'queued' })).toBe(elsewhere.notices[0]);
    for (const status of ['stopped', 'paused', 'completed', 'failed', 'interrupted'] as const)
      expect(resumeNotices(elsewhere, { id: 'r-1', status })).toBeUndefined();
  });

  it('keeps what a resume said of the checkpoints it passed over after the run stops, for its run only', () => {
    expect(resumeNotices(passedOver, { id: 'r-1', status: 'completed' })).toBe(passedOver.notices[0]);
    expect(resumeNotices(passedOver, { id: 'r-2', status: 'running' })).toBeUndefined();
    expect(resumeNotices(passedOver, undefined)).toBeUndefined();
    expect(resumeNotices(undefined, { id: 'r-1', status: 'running' })).toBeUndefined();
  });

  it('lets the store drop a resume elsewhere for good once its run stops, and nothing else', () => {
    expect(resumeSaidAfter(elsewhere, 'r-1', 'running')).toBe(elsewhere);
    expect(resumeSaidAfter(elsewhere, 'r-1', 'stopped')).toBeUndefined();
    expect(resumeSaidAfter(elsewhere, 'r-2', 'stopped')).toBe(elsewhere); // (another run stopped)
    expect(resumeSaidAfter(passedOver, 'r-1', 'completed')).toBe(passedOver);
  });
});
