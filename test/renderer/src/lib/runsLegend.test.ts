// runsLegend.ts: a comparison's legend names runs by what tells them apart.
import { describe, expect, it } from 'vitest';
import { legendRunLabels } from '../../../../src/renderer/src/lib/runsLegend';

const long = 'builtin:byt5-tiny on Sample: public-domain founding documents';
const differing = [
  { label: 'Steps', values: ['100', '80'] },
  { label: 'Learning rate', values: ['0.003', '0.001'] },
];

describe('legendRunLabels', () => {
  it('names runs by their names where those are short and differ', () => {
    const runs = [
      { id: 'r-1', name: 'first' },
      { id: 'r-2', name: 'second' },
    ];
    expect(legendRunLabels(runs, differing)).toEqual(['first', 'second']);
  });

  it('says the settings that differ, after the id, where two runs share a name or a name is long', () => {
    const same = [
      { id: 'r-d338eaa6', name: long },
      { id: 'r-11110c34', name: long },
    ];
    expect(legendRunLabels(same, differing)).toEqual([
      'r-d338eaa6 (Steps 100, Learning rate 0.003)',
      'r-11110c34 (Steps 80, Learning rate 0.001)',
    ]);
    const longAndShort = [
      { id: 'r-a', name: long },
      { id: 'r-b', name: 'mine' },
    ];
    expect(legendRunLabels(longAndShort, differing)).toEqual(['r-a (Steps 100, Learning rate 0.003)', 'mine']);
    // At most three settings, the first in the table's order.
    const many = [...differing, ...['A', 'B'].map((label) => ({ label, values: ['1', '2'] }))];
    expect(legendRunLabels(same, many)[1]).toBe('r-11110c34 (Steps 80, Learning rate 0.001, A 2)');
  });

  it('renames only the runs whose names are shared or long: the others keep theirs', () => {
    const runs = [
      { id: 'r-1', name: 'dup' },
      { id: 'r-2', name: 'dup' },
      { id: 'r-3', name: 'diverge lr10' },
    ];
    const three = [{ label: 'Learning rate', values: ['0.001', '0.003', '10'] }];
    expect(legendRunLabels(runs, three)).toEqual([
      'r-1 (Learning rate 0.001)',
      'r-2 (Learning rate 0.003)',
      'diverge lr10',
    ]);
    expect(legendRunLabels(runs, [])).toEqual(['dup (r-1)', 'dup (r-2)', 'diverge lr10']);
  });

  it('falls back to the name and id where no setting differs, or before the comparison arrives', () => {
    const same = [
      { id: 'r-1', name: 'tiny on notes' },
      { id: 'r-2', name: 'tiny on notes' },
    ];
    expect(legendRunLabels(same, [])).toEqual(['tiny on notes (r-1)', 'tiny on notes (r-2)']);
    expect(legendRunLabels(same, undefined)).toEqual(['tiny on notes (r-1)', 'tiny on notes (r-2)']);
  });
});
