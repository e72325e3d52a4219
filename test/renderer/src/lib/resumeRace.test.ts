// resumeRace.ts: a Resume that lost the race to another window or a terminal (refused because the
// run trains already) says the run was resumed elsewhere, not that something failed.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../src/shared/errors';
import { resumedElsewhere } from '../../../../src/renderer/src/lib/resumeRace';

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
