// The rows watcher over a list that changes between looks: a new row's status is said, then
// each change of status or name once; a row gone is said once; what was there when watching
// began is known already, and so is what this process announced itself (heard through listen)
// until the watcher stops.
import { describe, expect, it } from 'vitest';
import { RowsWatcher, type HeardChange, type RowState } from '../../../src/main/services/rowsWatch';

describe('RowsWatcher', () => {
  it('says each new row, status change, rename and removal once', () => {
    let rows: RowState[] = [{ id: 'a', status: 'ready', name: 'A' }];
    const said: string[] = [];
    const watcher = new RowsWatcher(() => rows, {
      status: (row) => said.push(`status ${row.id} ${row.status}`),
      renamed: (row) => said.push(`renamed ${row.id} ${row.name}`),
      removed: (id) => said.push(`removed ${id}`),
    });
    try {
      watcher.start(3_600_000); // only the looks below
      watcher.poll();
      expect(said).toEqual([]);
      rows = [...rows, { id: 'b', status: 'importing', name: 'B' }];
      watcher.poll();
      rows = [
        { id: 'a', status: 'ready', name: 'A, renamed' },
        { id: 'b', status: 'ready', name: 'B' },
      ];
      watcher.poll();
      watcher.poll();
      rows = [{ id: 'b', status: 'ready', name: 'B2' }];
      watcher.poll();
      watcher.poll();
      expect(said).toEqual([
        'status b importing',
        'renamed a A, renamed',
        'status b ready',
        'renamed b B2',
        'removed a',
      ]);
    } finally {
      watcher.stop();
    }
  });

  it('says nothing again of what this process announced itself, and stops listening when stopped', () => {
    let rows: RowState[] = [
      { id: 'a', status: 'ready', name: 'A' },
      { id: 'b', status: 'ready', name: 'B' },
    ];
    const said: string[] = [];
    let hear: ((id: string, change: HeardChange) => void) | undefined;
    const watcher = new RowsWatcher(
      () => rows,
      {
        status: (row) => said.push(`status ${row.id} ${row.status}`),
        renamed: (row) => said.push(`renamed ${row.id} ${row.name}`),
        removed: (id) => said.push(`removed ${id}`),
      },
      (heard) => {
        hear = heard;
        return () => (hear = undefined);
      },
    );
    watcher.start(3_600_000);
    try {
      // Renamed, added (its name not yet heard) and removed here, each announced by this process.
      rows = [
        { id: 'a', status: 'ready', name: 'A2' },
        { id: 'c', status: 'importing', name: 'C' },
      ];
      hear?.('a', { name: 'A2' });
      hear?.('c', { status: 'importing' });
      hear?.('b', 'removed');
      watcher.poll();
      expect(said).toEqual([]);
      // What another process does meanwhile is still said.
      rows = [
        { id: 'a', status: 'ready', name: 'A3' },
        { id: 'c', status: 'ready', name: 'C' },
      ];
      watcher.poll();
      expect(said).toEqual(['renamed a A3', 'status c ready']);
    } finally {
      watcher.stop();
    }
    expect(hear).toBeUndefined();
  });
});
