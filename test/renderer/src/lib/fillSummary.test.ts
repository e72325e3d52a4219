// The Playground's one announcement of a fill: a line while it runs, how many models filled the
// holes when it is done (or stopped), and one alert for the models that could not, with their
// message when they share one, never for a column stopped; nothing before a fill.

import { describe, expect, it } from 'vitest';
import { fillSummary, shownColumns, type ColumnOutcome } from '../../../../src/renderer/src/lib/fillSummary';

const done: ColumnOutcome = { status: 'done' };
const running: ColumnOutcome = { status: 'running' };
const stopped: ColumnOutcome = { status: 'stopped' };
const failed = (error: string): ColumnOutcome => ({ status: 'failed', error });
const lost = 'Not done: the connection to `spanfill serve` was lost.';

describe('fillSummary', () => {
  it('says nothing before any fill', () => {
    expect(fillSummary([])).toBeUndefined();
  });

  it('says how many models are filling while any still runs, and no alert yet for one that failed', () => {
    expect(
      fillSummary([
        { label: 'a', outcome: failed('boom') },
        { label: 'b', outcome: running },
      ]),
    ).toEqual({ status: 'Filling the holes with 2 models…', alert: undefined });
    expect(fillSummary([{ label: 'a', outcome: running }])?.status).toBe('Filling the holes with 1 model…');
  });

  it('names the one model that filled the holes, else counts them', () => {
    expect(fillSummary([{ label: 'builtin:byt5-tiny', outcome: done }])).toEqual({
      status: 'builtin:byt5-tiny filled the holes.',
      alert: undefined,
    });
    expect(
      fillSummary([
        { label: 'a', outcome: done },
        { label: 'b', outcome: done },
      ]),
    ).toEqual({ status: '2 models filled the holes.', alert: undefined });
  });

  it('counts the models that filled the holes and alerts once with the failed ones and their message', () => {
    expect(
      fillSummary([
        { label: 'a', outcome: done },
        { label: 'b, best', outcome: failed('No model in /x.') },
        { label: 'c', outcome: done },
      ]),
    ).toEqual({
      status: '2 of 3 models filled the holes.',
      alert: 'b, best could not fill the holes: No model in /x.',
    });
  });

  it('says a fill was stopped and how many models filled the holes first, with no alert for the stopped', () => {
    expect(
      fillSummary([
        { label: 'a', outcome: stopped },
        { label: 'b', outcome: stopped },
      ]),
    ).toEqual({ status: 'Stopped; no model filled the holes.', alert: undefined });
    expect(
      fillSummary([
        { label: 'a', outcome: done },
        { label: 'b', outcome: failed('No model in /x.') },
        { label: 'c', outcome: stopped },
      ]),
    ).toEqual({
      status: 'Stopped; 1 of 3 models filled the holes.',
      alert: 'b could not fill the holes: No model in /x.',
    });
  });

  it('alerts once when every model failed: one message said once, different ones left to the columns', () => {
    expect(
      fillSummary([
        { label: 'a', outcome: failed(lost) },
        { label: 'b', outcome: failed(lost) },
      ]),
    ).toEqual({ status: '', alert: `a; b could not fill the holes: ${lost}` });
    expect(
      fillSummary([
        { label: 'a', outcome: failed('one') },
        { label: 'b', outcome: failed('two') },
      ])?.alert,
    ).toBe('a; b could not fill the holes: their columns say why.');
  });
});

describe('shownColumns', () => {
  const chosen = [
    { key: 'run', label: 'my run (best)' },
    { key: 'new', label: 'ticked since' },
  ];

  it("counts the columns shown only: an unticked or removed model's outcome is left out", () => {
    const outcomes = { 'builtin:byt5-tiny': done, run: done };
    expect(shownColumns(chosen, outcomes)).toEqual([{ label: 'my run (best)', outcome: done }]);
    expect(fillSummary(shownColumns(chosen, outcomes))?.status).toBe('my run (best) filled the holes.');
  });

  it("keeps the columns' order, leaving out one with no outcome (ticked since the fill)", () => {
    const outcomes = { new: running, run: stopped };
    expect(shownColumns(chosen, outcomes).map((c) => c.label)).toEqual(['my run (best)', 'ticked since']);
    expect(shownColumns(chosen, { run: stopped })).toEqual([{ label: 'my run (best)', outcome: stopped }]);
    expect(shownColumns(chosen, {})).toEqual([]);
  });
});
