// A run that trains, or is starting to, cannot be removed: the refusal says how to stop it in the
// app as well as in a terminal (the Runs screen's Delete… meets it when another window or a
// terminal resumed the run meanwhile), as the trainer lock's refusal does (runsLock.ts).

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { thisProcessAsOwner } from '../../../src/main/services/runsLock';
import { runsServiceKit, smallRunConfig } from './runs-support';

const { setUp } = runsServiceKit();

describe('removing a run that trains', () => {
  it('is refused, naming the Runs screen and the command that stop it', async () => {
    const { app, datasetId } = await setUp();
    const config = smallRunConfig(datasetId, { name: 'busy' });
    const owner = thisProcessAsOwner();
    app.runs.repo.add({ id: 'r-live', name: 'busy', config, totalSteps: 10, status: 'running', owner });
    expect(() => app.runs.remove('r-live')).toThrow(
      new ApiError('conflict', 'Run r-live is running; stop it first (Runs screen, or `spanfill runs stop r-live`)'),
    );
    app.runs.repo.add({ id: 'r-start', name: 'starting', config, totalSteps: 10, status: 'queued', owner });
    expect(() => app.runs.remove('r-start')).toThrow(
      new ApiError(
        'conflict',
        `Run r-start is starting to train (pid ${process.pid}); stop it ` +
          '(Runs screen, or `spanfill runs stop r-start`): it ends before it trains a step; then remove it',
      ),
    );
  });
});
