// The rows watcher over a list that changes between looks: a new row's status is said, then
// each change of status or name once; a row gone is said once; what was there when watching
// began is known already.
import { describe, expect, it } from 'vitest';
import { RowsWatcher, type RowState } from '../../../src/main/services/rowsWatch';

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
});
