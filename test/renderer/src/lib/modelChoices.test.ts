// The Playground picker's run checkpoints: the best and last as ticks (one when they are the
// same), every kept checkpoint for the run and checkpoint selectors in step order with its
// step, validation loss and role, the same choice for a checkpoint whichever list offers it,
// the merged list keeping one choice per key, a kept key found again (after a move too), the
// columns whose checkpoints went said in a sentence, and a checkpoint that cannot be used said
// so with why wherever it is offered (runs.checkpoints' problem).

import { describe, expect, it } from 'vitest';
import type { ListedCheckpoint, RunCheckpoint, RunSummary } from '../../../../src/shared/contract/runs';
import {
  checkpointChoices,
  checkpointKey,
  currentCheckpointChoice,
  everyCheckpoint,
  goneColumns,
  openingCheckpoint,
  uniqueByKey,
  unusableCheckpoints,
} from '../../../../src/renderer/src/lib/modelChoices';

const run = { id: 'r-1', name: 'tiny', model: '/models/t5-tiny' } as RunSummary;
const checkpoint = (step: number, loss: number | null, isBest = false): RunCheckpoint => ({
  step,
  path: `/data/runs/r-1/checkpoints/step-${step}`,
  isBest,
  eval: loss === null ? null : { loss, tokenAccuracy: 0.5 },
  createdAt: '2025-01-01T00:00:00Z',
});

// Kept out of order on purpose: the selector sorts by step.
const kept = [checkpoint(30, 2.5), checkpoint(10, 2.0, true), checkpoint(20, null)];

describe('run checkpoints as Playground choices', () => {
  it('offer the best and the last as ticks, one when the best is the last, none without checkpoints', () => {
    expect(checkpointChoices(run, kept).map((c) => c.label)).toEqual([
      'run tiny · step 10 (best)',
      'run tiny · step 30 (last)',
    ]);
    expect(checkpointChoices(run, [checkpoint(10, 3), checkpoint(20, 2, true)]).map((c) => c.label)).toEqual([
      'run tiny · step 20 (best, last)',
    ]);
    expect(checkpointChoices(run, [])).toEqual([]);
    // Thousands with a separator, as the checkpoint selector and the run view write them.
    expect(checkpointChoices(run, [checkpoint(12_000, 2, true)]).map((c) => c.label)).toEqual([
      'run tiny · step 12,000 (best, last)',
    ]);
  });

  it('list every kept checkpoint by step with its validation loss and role', () => {
    const options = everyCheckpoint(run, kept);
    expect(options.map((o) => o.text)).toEqual([
      'step 10 · validation loss 2.000 · best',
      'step 20 · not validated',
      'step 30 · validation loss 2.500 · last',
    ]);
    expect(options.map((o) => o.choice)).toEqual(
      [10, 20, 30].map((step) =>
        expect.objectContaining({ source: 'checkpoint', ref: kept.find((c) => c.step === step)?.path }),
      ),
    );
    expect(options[1].choice.label).toBe('run tiny · step 20');
    expect(options[1].choice.key).toBe(checkpointKey('/data/runs/r-1/checkpoints/step-20'));
  });

  it('make one choice per checkpoint whichever list offers it, and keep the first of each key when merged', () => {
    const ticks = checkpointChoices(run, kept);
    const every = everyCheckpoint(run, kept).map((o) => o.choice);
    expect(every.filter((c) => ticks.some((t) => t.key === c.key))).toEqual(ticks);
    const merged = uniqueByKey([...ticks, ...every]);
    expect(merged.map((c) => c.label)).toEqual([
      'run tiny · step 10 (best)',
      'run tiny · step 30 (last)',
      'run tiny · step 20',
    ]);
  });

  it("find a kept checkpoint's choice as it is now: by folder, or by run and step after the data directory moved", () => {
    const runs = [
      {
        run: { ...run, id: 'r-2', name: 'other' },
        checkpoints: [{ ...checkpoint(10, 1.5), path: '/data/runs/r-2/checkpoints/step-10' }],
      },
      { run: { ...run, name: 'tiny, renamed' }, checkpoints: kept },
    ];
    expect(currentCheckpointChoice(checkpointKey('/data/runs/r-1/checkpoints/step-30'), runs)).toMatchObject({
      key: checkpointKey('/data/runs/r-1/checkpoints/step-30'),
      label: 'run tiny, renamed · step 30 (last)',
    });
    // Kept while the data directory was /old/spanfill: the same run and step where they are now
    // (not run r-2's step 10).
    expect(
      currentCheckpointChoice(checkpointKey('/old/spanfill/runs/r-1/checkpoints/step-00000010'), runs),
    ).toMatchObject({
      key: checkpointKey('/data/runs/r-1/checkpoints/step-10'),
      ref: '/data/runs/r-1/checkpoints/step-10',
      label: 'run tiny, renamed · step 10 (best)',
    });
    expect(currentCheckpointChoice(checkpointKey('C:\\old\\runs\\r-1\\checkpoints\\step-00000020'), runs)?.ref).toBe(
      '/data/runs/r-1/checkpoints/step-20',
    );
    // Pruned since, or its run removed: nothing.
    expect(
      currentCheckpointChoice(checkpointKey('/old/spanfill/runs/r-1/checkpoints/step-00000040'), runs),
    ).toBeUndefined();
    expect(currentCheckpointChoice(checkpointKey('/data/runs/r-9/checkpoints/step-10'), runs)).toBeUndefined();
  });

  it('say which checkpoint columns went when their run or checkpoint is kept no more, and nothing else', () => {
    const [best, last] = checkpointChoices(run, kept);
    const builtin = {
      key: 'builtin:byt5-tiny',
      label: 'builtin:byt5-tiny',
      detail: '',
      ref: 'builtin:byt5-tiny',
      source: 'builtin',
    } as const;
    const runs = [{ run, checkpoints: kept }];
    expect(goneColumns([builtin, best, last], runs)).toBeUndefined();
    // Step 30 pruned: only its column went.
    expect(goneColumns([builtin, best, last], [{ run, checkpoints: kept.slice(1) }])).toBe(
      'The column run tiny · step 30 (last) went: its run was removed, or that checkpoint deleted.',
    );
    // The run removed: both, named as the columns named them; the built-in model stays.
    expect(goneColumns([builtin, best, last], [])).toBe(
      'The columns run tiny · step 10 (best); run tiny · step 30 (last) went: their runs were removed, or those checkpoints deleted.',
    );
  });
});

describe('run checkpoints that cannot be used', () => {
  const truncated = { kind: 'unreadable', reason: 'model.safetensors is truncated (98 of 100 bytes)' } as const;
  const deleted = { kind: 'missing', reason: 'its folder was deleted outside Spanfill' } as const;
  const hurt: ListedCheckpoint[] = [
    { ...checkpoint(10, 2.0, true), problem: truncated },
    { ...checkpoint(20, null), problem: deleted },
    checkpoint(30, 2.5),
  ];

  it('are offered marked, with why, and not to be chosen in the selector', () => {
    const options = everyCheckpoint(run, hurt);
    expect(options.map((o) => o.text)).toEqual([
      'step 10 · validation loss 2.000 · best · cannot be used: model.safetensors is truncated (98 of 100 bytes)',
      'step 20 · not validated · cannot be used: its folder was deleted outside Spanfill',
      'step 30 · validation loss 2.500 · last',
    ]);
    expect(options.map((o) => o.isUnusable)).toEqual([true, true, false]);
  });

  it('say so on the best and last ticks too, and the first visit opens one that can be used', () => {
    expect(checkpointChoices(run, hurt).map((c) => [c.label, c.detail])).toEqual([
      ['run tiny · step 10 (best)', 'cannot be used: model.safetensors is truncated (98 of 100 bytes)'],
      ['run tiny · step 30 (last)', 'checkpoint, eval loss 2.500'],
    ]);
    expect(currentCheckpointChoice(checkpointKey(hurt[0].path), [{ run, checkpoints: hurt }])?.detail).toBe(
      'cannot be used: model.safetensors is truncated (98 of 100 bytes)',
    );
    // The best when it can be used, else the last; none when neither can.
    expect(openingCheckpoint(run, kept)?.label).toBe('run tiny · step 10 (best)');
    expect(openingCheckpoint(run, hurt)?.label).toBe('run tiny · step 30 (last)');
    expect(openingCheckpoint(run, hurt.slice(0, 2))).toBeUndefined();
  });

  it('are found by choice key, for lists of choices to offer them disabled', () => {
    const unusable = unusableCheckpoints([{ run, checkpoints: hurt }]);
    expect([...unusable]).toEqual([
      [checkpointKey(hurt[0].path), truncated],
      [checkpointKey(hurt[1].path), deleted],
    ]);
    expect(checkpointChoices(run, hurt).map((c) => unusable.has(c.key))).toEqual([true, false]);
  });
});
