// Where runs keep their files: the layout the store's relative checkpoint paths (schema 5,
// runs/<id>/checkpoints/step-NNNNNNNN) and the trainer lock are written against. A removal on a
// full disk, whose row cannot go before there is room, deletes the files first to make it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordInName } from '../../../src/main/processIdentity';
import {
  finishLeftRemovals,
  removeRunFolder,
  runCheckpointsFolder,
  runFolder,
  runsFolder,
} from '../../../src/main/services/runFolders';
import { trainerLockPath } from '../../../src/main/services/runsLock';
import { checkpointDirName } from '../../../src/main/engine/train/checkpoint';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-run-folders-');

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

describe('removeRunFolder on a full disk', () => {
  const full = (): never => {
    throw new Error('database or disk is full');
  };

  it('deletes the files when the row cannot go, then the row, and leaves nothing set aside', () => {
    const dataDir = tempDir();
    const step = path.join(runCheckpointsFolder(dataDir, 'r-1'), checkpointDirName(1));
    fs.mkdirSync(step, { recursive: true });
    fs.writeFileSync(path.join(step, 'model.safetensors'), 'weights');
    const filesAtEachTry: number[] = [];
    const removeRow = (): boolean => {
      const [aside] = fs.readdirSync(runsFolder(dataDir));
      filesAtEachTry.push(fs.readdirSync(path.join(runsFolder(dataDir), aside), { recursive: true }).length);
      return filesAtEachTry.length === 1 ? full() : true;
    };
    expect(removeRunFolder(dataDir, 'r-1', removeRow)).toBe(true);
    expect(filesAtEachTry).toEqual([3, 0]); // whole at the first try, emptied for the second
    expect(fs.readdirSync(runsFolder(dataDir))).toEqual([]);
  });

  it('leaves the emptied folder set aside when the row still cannot go, and any other failure with the files', () => {
    const dataDir = tempDir();
    fs.mkdirSync(runCheckpointsFolder(dataDir, 'r-1'), { recursive: true });
    expect(() => removeRunFolder(dataDir, 'r-1', full)).toThrow('database or disk is full');
    const [aside] = fs.readdirSync(runsFolder(dataDir));
    expect(aside).toMatch(/^\.r-1\.removing-/);
    expect(fs.readdirSync(path.join(runsFolder(dataDir), aside))).toEqual([]);

    fs.mkdirSync(runCheckpointsFolder(dataDir, 'r-2'), { recursive: true });
    const locked = (): never => {
      throw new Error('database is locked');
    };
    expect(() => removeRunFolder(dataDir, 'r-2', locked)).toThrow('database is locked');
    const kept = fs.readdirSync(runsFolder(dataDir)).find((name) => name.startsWith('.r-2.'))!;
    expect(fs.readdirSync(path.join(runsFolder(dataDir), kept))).toEqual(['checkpoints']);
  });
});

describe('finishLeftRemovals on a full disk', () => {
  it('deletes the files of a removal its killed process left set aside, when the row cannot go first, then the row', () => {
    const dataDir = tempDir();
    // Set aside by a process that has gone (one that ran an hour before this machine booted).
    const gone = recordInName({ pid: process.ppid, ranAt: Math.round(Date.now() - os.uptime() * 1000 - 3_600_000) });
    const aside = path.join(runsFolder(dataDir), `.r-1.removing-${gone}`);
    fs.mkdirSync(path.join(aside, 'checkpoints'), { recursive: true });
    fs.writeFileSync(path.join(aside, 'checkpoints', 'model.safetensors'), 'weights');
    const tries: string[] = [];
    finishLeftRemovals(dataDir, (id) => {
      tries.push(`${id}: ${fs.readdirSync(aside, { recursive: true }).length} files`);
      if (tries.length === 1) throw new Error('database or disk is full');
    });
    expect(tries).toEqual(['r-1: 2 files', 'r-1: 0 files']);
    // Nothing left but the note that it was finished (a repeated `runs rm r-1` says removed).
    expect(fs.readdirSync(runsFolder(dataDir), { recursive: true })).toEqual([
      '.removed',
      path.join('.removed', 'r-1'),
    ]);
  });
});
