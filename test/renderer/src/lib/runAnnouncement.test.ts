// The Train screen's live region speaks on a change of the shown run's status, in words that
// carry the steps, the step or the last loss (a failure's reason is its view's alert), and as
// the run shown reaches each quarter of its steps, never per step; the Runs screen's says the
// same of each run listed, by name (a failure with its reason), when its row is read in another
// status, what a delete did, and a run removed elsewhere (another window, `spanfill runs rm`).

import { describe, expect, it } from 'vitest';
import type { RunDetail, RunStatusName } from '../../../../src/shared/contract/runs';
import {
  deletedRunWords,
  namedStatusWords,
  runAnnouncement,
  runQuarterAnnouncement,
  runsRemovedElsewhere,
  runsStatusChanges,
  statusWords,
} from '../../../../src/renderer/src/lib/runAnnouncement';

/** A run with only what the words read (the rest of a RunDetail does not matter here). */
function run(
  status: RunStatusName,
  more: { step?: number; totalSteps?: number; loss?: number; error?: string; id?: string; name?: string } = {},
): RunDetail {
  const last: Record<string, number> = more.loss === undefined ? {} : { loss: more.loss };
  const [id, name, totalSteps] = [more.id ?? 'r-1', more.name ?? 'tiny', more.totalSteps ?? 3000];
  const error = more.error ?? null;
  return { id, name, status, step: more.step ?? 0, totalSteps, last, error } as unknown as RunDetail;
}

describe('statusWords', () => {
  it('says a start, a resume, a pause and a stop with the step', () => {
    expect(statusWords(run('running', { step: 3 }), 'queued')).toBe('Training started: 3,000 steps.');
    expect(statusWords(run('running', { step: 0, totalSteps: 1 }))).toBe('Training started: 1 step.');
    expect(statusWords(run('running', { step: 50 }), 'paused')).toBe('Resumed at step 50 of 3,000.');
    expect(statusWords(run('running', { step: 1200, totalSteps: 200 }), 'stopped')).toBe(
      'Resumed at step 1,200 of 200.',
    );
    expect(statusWords(run('paused', { step: 1200 }))).toBe('Paused at step 1,200.');
    expect(statusWords(run('paused', { step: 40 }))).toBe('Paused at step 40.');
    expect(statusWords(run('stopped', { step: 7 }))).toBe('Stopped at step 7.');
  });

  it('says the last loss of a finished run, to four figures', () => {
    expect(statusWords(run('completed', { loss: 2.345678 }))).toBe('Finished: last loss 2.346.');
    expect(statusWords(run('completed'))).toBe('Finished.');
  });

  it('says that a run failed or was interrupted at its step, leaving why to the alert beside it', () => {
    // (The run's view says the error, with what to do, in an alert: said here too, it was heard twice.)
    expect(statusWords(run('failed', { step: 40, error: 'out of memory: try `--batch-size 2`' }))).toBe(
      'Failed at step 40.',
    );
    expect(statusWords(run('interrupted', { step: 3, error: 'The trainer stopped.' }))).toBe('Interrupted at step 3.');
    expect(statusWords(run('failed', { step: 1200 }))).toBe('Failed at step 1,200.');
    expect(statusWords(run('interrupted', { step: 3 }))).toBe('Interrupted at step 3.');
  });
});

describe('runAnnouncement', () => {
  it('speaks when the status of the run shown changes', () => {
    expect(runAnnouncement({ id: 'r-1', status: 'running' }, run('completed', { loss: 1.5 }))).toBe(
      'Finished: last loss 1.500.',
    );
  });

  it('stays quiet for a run just opened, another run, the same status and no run', () => {
    expect(runAnnouncement(undefined, run('completed'))).toBeUndefined();
    expect(runAnnouncement({ id: 'r-2', status: 'running' }, run('completed'))).toBeUndefined();
    expect(runAnnouncement({ id: 'r-1', status: 'running' }, run('running', { step: 5 }))).toBeUndefined();
    expect(runAnnouncement({ id: 'r-1', status: 'running' }, undefined)).toBeUndefined();
  });

  it('says the start of a run started here as it first shows, once, with its steps', () => {
    expect(runAnnouncement(undefined, run('queued', { totalSteps: 200 }), true)).toBe('Training started: 200 steps.');
    // (the region already says so as it trains: the same line, not repeated by a screen reader)
    expect(runAnnouncement({ id: 'r-1', status: 'queued' }, run('running', { totalSteps: 200 }), true)).toBe(
      'Training started: 200 steps.',
    );
    expect(runAnnouncement({ id: 'r-1', status: 'paused' }, run('running', { step: 50, totalSteps: 200 }))).toBe(
      'Resumed at step 50 of 200.',
    );
  });
});

describe('runQuarterAnnouncement', () => {
  /** The texts said as the run shown comes in each of `shown` states, in turn. */
  function spoken(shown: readonly (Parameters<typeof runQuarterAnnouncement>[1] | undefined)[]): string[] {
    let said: ReturnType<typeof runQuarterAnnouncement>['said'];
    const texts: string[] = [];
    for (const now of shown) {
      const next = runQuarterAnnouncement(said, now);
      said = next.said;
      if (next.text !== undefined) texts.push(next.text);
    }
    return texts;
  }
  const training = (step: number, more: { status?: RunStatusName; id?: string } = {}) => ({
    id: more.id ?? 'r-1',
    status: more.status ?? 'running',
    step,
    totalSteps: 3000,
  });

  it('says each quarter of a long run once as it trains, not each step, and not its end', () => {
    const steps = Array.from({ length: 3001 }, (_, step) => training(step));
    expect(spoken(steps)).toEqual([
      'Training: 25 % (step 750 of 3,000).',
      'Training: 50 % (step 1,500 of 3,000).',
      'Training: 75 % (step 2,250 of 3,000).',
    ]);
  });

  it('says only the quarter reached when steps come in jumps', () => {
    expect(spoken([training(0), training(100), training(1600), training(1700)])).toEqual([
      'Training: 50 % (step 1,600 of 3,000).',
    ]);
  });

  it('says nothing of the quarters a run had reached when it was opened, or another run shown', () => {
    expect(
      spoken([training(1600), training(1700), training(2000, { id: 'r-2' }), training(2100, { id: 'r-2' })]),
    ).toEqual([]);
  });

  it('counts a resume from where it restarts, saying nothing while paused', () => {
    expect(
      spoken([
        training(700),
        training(800),
        training(800, { status: 'paused' }),
        training(500, { status: 'running' }),
        training(760),
        training(1500),
      ]),
    ).toEqual([
      'Training: 25 % (step 800 of 3,000).',
      'Training: 25 % (step 760 of 3,000).',
      'Training: 50 % (step 1,500 of 3,000).',
    ]);
  });
});

describe('namedStatusWords', () => {
  it("says a run's change with its name first, in the Train screen's words", () => {
    expect(namedStatusWords(run('completed', { loss: 1.23 }), 'running')).toBe('Run “tiny” finished: last loss 1.230.');
    expect(namedStatusWords(run('running'), 'queued')).toBe('Run “tiny” started.');
    expect(namedStatusWords(run('running', { step: 40 }), 'stopped')).toBe('Run “tiny” resumed.');
    expect(namedStatusWords(run('paused', { step: 1200 }))).toBe('Run “tiny” paused at step 1,200.');
    expect(namedStatusWords(run('stopped', { step: 7 }))).toBe('Run “tiny” stopped at step 7.');
    expect(namedStatusWords(run('failed', { error: 'out of memory: try `--batch-size 2`' }))).toBe(
      'Run “tiny” failed: out of memory: try --batch-size 2',
    );
    expect(namedStatusWords(run('interrupted', { step: 3 }))).toBe('Run “tiny” interrupted at step 3.');
    expect(deletedRunWords('tiny')).toBe('Deleted run “tiny”.');
  });
});

describe('runsStatusChanges', () => {
  const listed = () => false;

  it('says nothing of the runs read as the screen opens, nor of a step', () => {
    const first = runsStatusChanges({}, { a: run('completed', { id: 'a' }), b: run('running', { id: 'b' }) }, listed);
    expect(first).toEqual({ seen: { a: 'completed', b: 'running' }, lines: [] });
    expect(runsStatusChanges(first.seen, { b: run('running', { id: 'b', step: 9 }) }, listed).lines).toEqual([]);
  });

  it('says each change once, a resume by the status before it (queued says nothing)', () => {
    let seen = runsStatusChanges({}, { a: run('stopped', { id: 'a', step: 4 }) }, listed).seen;
    const read = (detail: RunDetail) => {
      const said = runsStatusChanges(seen, { a: detail }, listed);
      seen = said.seen;
      return said.lines;
    };
    expect(read(run('queued', { id: 'a', step: 4 }))).toEqual([]);
    expect(read(run('running', { id: 'a', step: 4 }))).toEqual(['Run “tiny” resumed.']);
    expect(read(run('running', { id: 'a', step: 5 }))).toEqual([]);
    expect(read(run('completed', { id: 'a', loss: 2 }))).toEqual(['Run “tiny” finished: last loss 2.000.']);
    expect(read(run('completed', { id: 'a', loss: 2 }))).toEqual([]);
  });

  it('says a run started since the screen opened, from its first read that is not queued', () => {
    const isNew = (id: string) => id === 'n';
    const queued = runsStatusChanges({}, { n: run('queued', { id: 'n', name: 'new' }) }, isNew);
    expect(queued.lines).toEqual([]);
    expect(runsStatusChanges(queued.seen, { n: run('running', { id: 'n', name: 'new' }) }, isNew).lines).toEqual([
      'Run “new” started.',
    ]);
    const ended = runsStatusChanges({}, { n: run('failed', { id: 'n', name: 'new', error: 'No data.' }) }, isNew);
    expect(ended.lines).toEqual(['Run “new” failed: No data.']);
  });
});

describe('runsRemovedElsewhere', () => {
  const listed = [
    { id: 'a', name: 'tiny' },
    { id: 'b', name: 'sweep 2' },
    { id: 'c', name: 'base' },
  ];
  const notHere = () => false;

  it('says each run gone from the list, by name, once', () => {
    const now = [listed[0]];
    expect(runsRemovedElsewhere(listed, now, notHere)).toEqual([
      'Run “sweep 2” was removed elsewhere.',
      'Run “base” was removed elsewhere.',
    ]);
    expect(runsRemovedElsewhere(now, now, notHere)).toEqual([]);
  });

  it('leaves out a run deleted on this screen (its delete says so), and says nothing of runs added', () => {
    const deletedHere = (id: string) => id === 'b';
    expect(runsRemovedElsewhere(listed, [listed[0]], deletedHere)).toEqual(['Run “base” was removed elsewhere.']);
    expect(runsRemovedElsewhere([listed[0]], listed, notHere)).toEqual([]);
  });
});
