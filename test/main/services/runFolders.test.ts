// Where runs keep their files: the layout the store's relative checkpoint paths (schema 5,
// runs/<id>/checkpoints/step-NNNNNNNN) and the trainer lock are written against.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheckpointsFolder, runFolder, runsFolder } from '../../../src/main/services/runFolders';
import { trainerLockPath } from '../../../src/main/services/runsLock';
import { checkpointDirName } from '../../../src/main/engine/train/checkpoint';

describe('runFolders', () => {
  it('puts every run under <dataDir>/runs, its checkpoints under checkpoints/', () => {
    const dataDir = path.join('/data', 'spanfill');
    expect(runsFolder(dataDir)).toBe(path.join('/data', 'spanfill', 'runs'));
    expect(runFolder(dataDir, 'r-1')).toBe(path.join('/data', 'spanfill', 'runs', 'r-1'));
    const step = path.join(runCheckpointsFolder(dataDir, 'r-1'), checkpointDirName(300));
    expect(path.relative(dataDir, step).split(path.sep).join('/')).toBe('runs/r-1/checkpoints/step-00000300');
    expect(trainerLockPath(dataDir)).toBe(path.join('/data', 'spanfill', 'runs', 'trainer.lock'));
  });
});
