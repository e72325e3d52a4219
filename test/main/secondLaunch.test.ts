// secondLaunch.ts: a second launch that asked for another data directory is told it got this
// window instead; one that asked for none, or for this one (however written), is not.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { secondLaunchNote } from '../../src/main/secondLaunch';

const OURS = path.resolve('/home/ana/.local/share/spanfill');

describe('secondLaunchNote', () => {
  it('says nothing for a launch without --data-dir, or with this one written another way', () => {
    expect(secondLaunchNote(OURS, ['/opt/Spanfill/spanfill'], '/tmp')).toBeUndefined();
    expect(secondLaunchNote(OURS, ['spanfill', '--data-dir', '.local/share/spanfill/'], '/home/ana')).toBeUndefined();
    expect(secondLaunchNote(OURS, ['spanfill', `--data-dir=${OURS}`], '/')).toBeUndefined();
  });

  it('names both folders for a launch that asked for another, resolved where it was started', () => {
    const note = secondLaunchNote(OURS, ['spanfill', '--data-dir', 'work/spanfill'], '/home/ana');
    expect(note?.message).toBe('Spanfill is already open, with another data directory');
    expect(note?.detail).toContain(
      `This window uses ${OURS}; it cannot open ${path.resolve('/home/ana/work/spanfill')} beside it.`,
    );
    expect(note?.detail).toContain(`--data-dir ${path.resolve('/home/ana/work/spanfill')}`);
  });
});
