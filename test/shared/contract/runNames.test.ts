// How runs and models are named in words (contract/runNames.ts): a checkpoint folder as its run
// and step, a registered model by its name, the default run name with its cut, and labels that
// tell runs shown together apart, and a checkpoint's roles (best, last).

import { describe, expect, it } from 'vitest';
import {
  checkpointRoles,
  defaultRunName,
  distinctRunLabels,
  lastCheckpoint,
  modelFolderInWords,
  modelLabel,
  registeredModel,
  shortModelName,
} from '../../../src/shared/contract/runNames';

describe('defaultRunName', () => {
  it('joins the model and dataset names, cutting each at 40 characters (code points) with an ellipsis', () => {
    expect(defaultRunName('t5-small', 'notes.txt')).toBe('t5-small on notes.txt');
    const forty = 'x'.repeat(40);
    expect(defaultRunName(forty, forty)).toBe(`${forty} on ${forty}`);
    expect(defaultRunName(`${forty}y`, 'a')).toBe(`${'x'.repeat(39)}… on a`);
    // Emoji count once and are never split; a cut at a space drops the space.
    expect(defaultRunName('m', `${'🙂'.repeat(41)}`)).toBe(`m on ${'🙂'.repeat(39)}…`);
    expect(defaultRunName('m', `${'a'.repeat(38)} bcd`)).toBe(`m on ${'a'.repeat(38)}…`);
  });

  it('numbers a name another run has: run 2, run 3, … the first free', () => {
    expect(defaultRunName('m', 'd', new Set(['m on d']))).toBe('m on d, run 2');
    expect(defaultRunName('m', 'd', new Set(['m on d', 'm on d, run 2', 'm on d, run 4']))).toBe('m on d, run 3');
    expect(defaultRunName('m', 'd', new Set(['m on d, run 2']))).toBe('m on d');
    // Not " (2)": a dataset may be named "d (2)" (an import under a taken name is), and
    // "m on d (2)" read as a run on it. Runs named so before keep their names, and take no number.
    expect(defaultRunName('m', 'd', new Set(['m on d', 'm on d (2)']))).toBe('m on d, run 2');
    expect(defaultRunName('m', 'd (2)', new Set(['m on d, run 2']))).toBe('m on d (2)');
  });
});

describe('modelLabel', () => {
  it('names a registered model, given by id or by its folder, by its name, and anything else as shortModelName', () => {
    const registered = [
      { id: 'm-1a2b3c4d', name: 'my notes model', path: '/models/notes' },
      { id: 'm-5e6f7a8b', name: 'other', path: '/models/other' },
    ];
    expect(modelLabel('m-1a2b3c4d', registered)).toBe('my notes model');
    expect(modelLabel('/models/other', registered)).toBe('other');
    expect(modelLabel('/models/notes-v2', registered)).toBe('notes-v2');
    expect(modelLabel('m-00000000', registered)).toBe('m-00000000');
    expect(modelLabel('/data/runs/r-1a2b3c4d/checkpoints/step-00000040', registered)).toBe('r-1a2b3c4d step 40');
    expect(modelLabel('m-1a2b3c4d', [])).toBe('m-1a2b3c4d');
    // The same lookup the Playground ticks a run's base model by.
    expect(registeredModel('/models/other', registered)).toBe(registered[1]);
    expect(registeredModel('m-1a2b3c4d', registered)).toBe(registered[0]);
    expect(registeredModel('/models/notes-v2', registered)).toBeUndefined();
  });
});

describe('shortModelName', () => {
  it("names a run's checkpoint by run and step, anything else by its last path segment", () => {
    expect(shortModelName('/home/me/Spanfill/runs/r-1a2b3c4d/checkpoints/step-00000600')).toBe('r-1a2b3c4d step 600');
    expect(shortModelName('C:\\Users\\me\\Spanfill\\runs\\r-1a2b3c4d\\checkpoints\\step-00000000\\')).toBe(
      'r-1a2b3c4d step 0',
    );
    expect(shortModelName('/models/t5-small/')).toBe('t5-small');
    expect(shortModelName('/data/runs/notes/checkpoints/step-1/extra')).toBe('extra');
    expect(shortModelName('builtin:byt5-tiny')).toBe('builtin:byt5-tiny');
    expect(shortModelName('m-1234abcd')).toBe('m-1234abcd');
  });
});

describe('modelFolderInWords', () => {
  it("names a run's checkpoint, or the copy a read of it goes through, by run and step; a pulled model by its repository", () => {
    const checkpoint = "run r-1a2b3c4d's checkpoint at step 300";
    expect(modelFolderInWords('/home/me/Spanfill/runs/r-1a2b3c4d/checkpoints/step-00000300')).toBe(checkpoint);
    expect(
      modelFolderInWords('/home/me/Spanfill/readers/r-1a2b3c4d.step-00000300.123.1700000000000-Ab3xYz/step-00000300'),
    ).toBe(checkpoint);
    expect(modelFolderInWords('C:\\Spanfill\\readers\\r-1a2b3c4d.step-00000300.1.2-x\\step-00000300\\')).toBe(
      checkpoint,
    );
    expect(
      modelFolderInWords(
        '/data/models/hub/models--google--flan-t5-small/snapshots/0fc9ddf78a1e988dac52e2dac162b0ede4fd74ab',
      ),
    ).toBe('google/flan-t5-small');
    expect(modelFolderInWords('/data/models/builtin/byt5-tiny')).toBe('byt5-tiny');
    expect(modelFolderInWords('/home/me/models/t5-small/')).toBe('t5-small');
    expect(modelFolderInWords('/data/runs/r-1a2b3c4d/reading/step-00000300')).toBe('step-00000300');
  });
});

describe('distinctRunLabels', () => {
  it('names each run, adding the id only to runs whose name another of them has', () => {
    const runs = [
      { id: 'r-1', name: 't5-small on notes' },
      { id: 'r-2', name: 'longer, lr 0.002' },
      { id: 'r-3', name: 't5-small on notes' },
    ];
    expect(distinctRunLabels(runs)).toEqual(['t5-small on notes (r-1)', 'longer, lr 0.002', 't5-small on notes (r-3)']);
    expect(distinctRunLabels([])).toEqual([]);
  });
});

describe('checkpoint roles', () => {
  const at = (step: number, isBest = false) => ({ step, path: `/r/step-${step}`, isBest, eval: null, createdAt: '' });

  it('name the best and the highest step, both or neither, whatever the order of the list', () => {
    const list = [at(30), at(10, true), at(20)];
    const last = lastCheckpoint(list);
    expect(last?.step).toBe(30);
    expect(list.map((c) => checkpointRoles(c, last))).toEqual([['last'], ['best'], []]);
    expect(checkpointRoles(at(30, true), last)).toEqual(['best', 'last']);
    expect(lastCheckpoint([])).toBeUndefined();
  });
});
