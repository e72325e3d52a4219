// keepLastAsk.ts: the Runs table's Resume for a run whose disk filled up asks for the run's
// Checkpoints kept first (on the run's view, by its Resume), and the view knows it was asked.

import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../../src/shared/contract/runs';
import { askKeepLast, asksKeepLast, takeKeepLastAsk } from '../../../../src/renderer/src/lib/keepLastAsk';

const run = (status: RunSummary['status'], error: string | null, datasetId: string | null = 'd-1') => ({
  status,
  error,
  datasetId,
});
// As a run that failed for a full disk is told (runsFailure.ts): the disk's words first, then what to do.
const FULL = 'The disk is full. Its checkpoints are kept; free space on the disk …; then resume it';

describe('asksKeepLast', () => {
  it('asks for a failed run whose disk filled up, in Spanfill’s words or Node’s', () => {
    expect(asksKeepLast(run('failed', FULL))).toBe(true);
    expect(asksKeepLast(run('failed', 'ENOSPC: no space left on device, write'))).toBe(true);
  });

  it('does not ask for another failure, a run stopped or paused, or one that cannot be resumed', () => {
    expect(asksKeepLast(run('failed', 'The model ran out of memory'))).toBe(false);
    expect(asksKeepLast(run('stopped', null))).toBe(false);
    expect(asksKeepLast(run('paused', null))).toBe(false);
    expect(asksKeepLast(run('failed', FULL, null))).toBe(false);
    expect(asksKeepLast(run('completed', null))).toBe(false);
  });
});

describe('takeKeepLastAsk', () => {
  it('is true once for the run asked for, and never for another', () => {
    expect(takeKeepLastAsk('r-1')).toBe(false);
    askKeepLast('r-1');
    expect(takeKeepLastAsk('r-2')).toBe(false);
    expect(takeKeepLastAsk('r-1')).toBe(true);
    expect(takeKeepLastAsk('r-1')).toBe(false);
  });
});
