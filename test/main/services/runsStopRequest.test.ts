// runsStopRequest.ts: a request is read whole once and then gone (takeStopRequest), and a
// resume queues a run past one left from before (queuePastStaleRequest): that one is dropped
// once the run is queued, one written as soon as it is stays for the process that starts it,
// and when the run is not queued (resumed elsewhere meanwhile) the old one is put back, unless
// a newer one is there. (The instants a request reaches a run: runsControl.stopInstants.test.ts.)
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStopRequestPath } from '../../../src/main/services/runFolders';
import { askToStop, queuePastStaleRequest, takeStopRequest } from '../../../src/main/services/runsStopRequest';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-stop-request-');

/** A data directory with run r-1's folder. */
function dataDirWithRun(): string {
  const dataDir = tempDir();
  mkdirSync(path.dirname(runStopRequestPath(dataDir, 'r-1')), { recursive: true });
  return dataDir;
}

/** What is left in run r-1's folder: nothing but a request, if any (no file set aside). */
function leftInFolder(dataDir: string): string[] {
  return readdirSync(path.dirname(runStopRequestPath(dataDir, 'r-1')));
}

describe('takeStopRequest', () => {
  it('reads pause or stop once, then none', () => {
    const dataDir = dataDirWithRun();
    expect(takeStopRequest(dataDir, 'r-1')).toBeUndefined();
    askToStop(dataDir, 'r-1', 'paused');
    expect(takeStopRequest(dataDir, 'r-1')).toBe('paused');
    expect(takeStopRequest(dataDir, 'r-1')).toBeUndefined();
    askToStop(dataDir, 'r-1', 'stopped');
    expect(takeStopRequest(dataDir, 'r-1')).toBe('stopped');
    expect(leftInFolder(dataDir)).toEqual([]);
  });
});

describe('askToStop', () => {
  it("asks a run whose folder is not made yet (another process's start, queued a moment before)", () => {
    const dataDir = tempDir();
    askToStop(dataDir, 'r-1', 'paused');
    expect(takeStopRequest(dataDir, 'r-1')).toBe('paused');
  });
});

describe('queuePastStaleRequest', () => {
  it('drops one left from before once the run is queued', () => {
    const dataDir = dataDirWithRun();
    askToStop(dataDir, 'r-1', 'stopped');
    expect(queuePastStaleRequest(dataDir, 'r-1', () => true)).toBe(true);
    expect(leftInFolder(dataDir)).toEqual([]);
  });

  it('keeps one written as soon as the run is queued, and drops the old one', () => {
    const dataDir = dataDirWithRun();
    askToStop(dataDir, 'r-1', 'stopped');
    const queue = () => {
      askToStop(dataDir, 'r-1', 'paused'); // another process sees it live at once
      return true;
    };
    expect(queuePastStaleRequest(dataDir, 'r-1', queue)).toBe(true);
    expect(leftInFolder(dataDir)).toEqual(['stop-request']);
    expect(takeStopRequest(dataDir, 'r-1')).toBe('paused');
  });

  it('puts the old one back when the run is not queued, unless a newer one is there', () => {
    const dataDir = dataDirWithRun();
    askToStop(dataDir, 'r-1', 'paused');
    expect(queuePastStaleRequest(dataDir, 'r-1', () => false)).toBe(false);
    expect(leftInFolder(dataDir)).toEqual(['stop-request']);
    expect(takeStopRequest(dataDir, 'r-1')).toBe('paused');

    askToStop(dataDir, 'r-1', 'paused');
    const queuedElsewhere = () => {
      askToStop(dataDir, 'r-1', 'stopped'); // for the process that resumed it meanwhile
      return false;
    };
    expect(queuePastStaleRequest(dataDir, 'r-1', queuedElsewhere)).toBe(false);
    expect(leftInFolder(dataDir)).toEqual(['stop-request']);
    expect(takeStopRequest(dataDir, 'r-1')).toBe('stopped');
  });

  it('queues with none left, and puts one back when queueing throws', () => {
    const dataDir = dataDirWithRun();
    expect(queuePastStaleRequest(dataDir, 'r-1', () => true)).toBe(true);
    expect(existsSync(runStopRequestPath(dataDir, 'r-1'))).toBe(false);
    askToStop(dataDir, 'r-1', 'stopped');
    const failing = () => {
      throw new Error('database is locked');
    };
    expect(() => queuePastStaleRequest(dataDir, 'r-1', failing)).toThrow('database is locked');
    expect(leftInFolder(dataDir)).toEqual(['stop-request']);
  });
});
