// playgroundRemoved.ts: a registered model's column that goes while still ticked (the model
// removed elsewhere, or its folder gone) is said in the Playground's notice, whether its fill was
// stopped with it; one unticked, or one that was never shown, says nothing.

import { describe, expect, it } from 'vitest';
import type { ModelChoice } from '../../../../src/renderer/src/lib/modelChoices';
import { builtinChoice } from '../../../../src/renderer/src/lib/playgroundChoices';
import type { FillOutcome } from '../../../../src/renderer/src/lib/playgroundFill';
import { RemovedModels, type RemovedShown } from '../../../../src/renderer/src/lib/playgroundRemoved';

const registered = (id: string, label: string): ModelChoice => ({
  key: id,
  label,
  detail: 't5, folder',
  ref: id,
  source: 'registered',
});
const small = registered('m-1', 'small');
const large = registered('m-2', 'large');

function screen(selected: string[], outcomes: Record<string, FillOutcome> = {}): RemovedShown {
  return { selected, outcomes, notice: undefined };
}

describe('RemovedModels', () => {
  it('says a ticked model removed elsewhere, and what to do, while no fill runs', () => {
    const shown = screen([builtinChoice.key, 'm-1']);
    const removed = new RemovedModels(shown);
    removed.follow([builtinChoice, small], [{ id: 'm-1' }]);
    expect(shown.notice).toBeUndefined();
    removed.follow([builtinChoice], []);
    expect(shown.notice).toBe(
      'Model “small” was removed elsewhere, so its column went: import or download it again on the Models screen to fill with it.',
    );
    // Said once: the next change of the columns does not say it again.
    removed.follow([builtinChoice], []);
    expect(shown.notice).toMatch(/^Model “small” was removed elsewhere, so its column went: [^“]*$/);
  });

  it('says that the fill of a model removed mid-fill was stopped, after what the notice said already', () => {
    const shown = screen(['m-1', 'm-2'], { 'm-1': { status: 'running' }, 'm-2': { status: 'running' } });
    shown.notice = 'The column run tiny · step 30 (last) went: its run was removed, or that checkpoint deleted.';
    const removed = new RemovedModels(shown);
    removed.follow([small, large], [{ id: 'm-1' }, { id: 'm-2' }]);
    removed.follow([large], [{ id: 'm-2' }]);
    expect(shown.notice).toBe(
      'The column run tiny · step 30 (last) went: its run was removed, or that checkpoint deleted. ' +
        'Model “small” was removed elsewhere, so its fill was stopped and its column went: import or download it again on the Models screen to fill with it.',
    );
  });

  it("says a model whose folder is gone (still listed, not offered) by its folder, an answered column's without a fill", () => {
    const shown = screen(['m-1'], { 'm-1': { status: 'failed', error: 'no' } });
    const removed = new RemovedModels(shown);
    removed.follow([small], [{ id: 'm-1' }]);
    removed.follow([], [{ id: 'm-1' }]);
    expect(shown.notice).toBe(
      'The folder of model “small” is gone (moved or deleted outside Spanfill), so its column went: put it back, or import it from where it is now on the Models screen, to fill with it.',
    );
  });

  it('says nothing of a column unticked, or of a ticked model not listed yet', () => {
    const selected = ['m-1', 'm-2'];
    const shown = screen(selected);
    const removed = new RemovedModels(shown);
    removed.follow([], []); // (the models not read yet: the kept columns are not shown)
    removed.follow([small, large], [{ id: 'm-1' }, { id: 'm-2' }]);
    selected.splice(0, 1); // small unticked
    removed.follow([large], [{ id: 'm-1' }, { id: 'm-2' }]);
    expect(shown.notice).toBeUndefined();
  });
});

describe('RemovedModels, a model removed in this window', () => {
  it('says it was removed on the Models screen, not elsewhere, and the fill stopped with it', () => {
    const shown = screen(['m-1', 'm-2'], { 'm-1': { status: 'running' } });
    const removed = new RemovedModels(shown);
    removed.follow([small, large], [{ id: 'm-1' }, { id: 'm-2' }], new Set());
    removed.follow([large], [{ id: 'm-2' }], new Set(['m-1']));
    expect(shown.notice).toBe(
      'Model “small” was removed on the Models screen, so its fill was stopped and its column went.',
    );
  });

  it('leaves the removed model out of the columns kept, so the next launch does not say it again', () => {
    const shown = screen(['m-1', 'm-2']);
    const removed = new RemovedModels(shown);
    removed.follow([small, large], [{ id: 'm-1' }, { id: 'm-2' }], new Set());
    removed.follow([large], [{ id: 'm-2' }], new Set(['m-1']));
    expect(shown.selected).toEqual(['m-2']);
  });
});

describe('RemovedModels, the columns kept from the last launch', () => {
  const listed = (...models: [string, string, boolean][]): { id: string; name: string; isAvailable: boolean }[] =>
    models.map(([id, name, isAvailable]) => ({ id, name, isAvailable }));

  it('names a kept model removed while the app was closed, once the models are listed, and leaves it out', () => {
    const shown = screen([builtinChoice.key, 'm-1', 'm-2', 'folder:/x', 'checkpoint:/r/c']);
    const removed = new RemovedModels(shown);
    removed.expectKept([{ key: 'm-1', label: 'small' }]);
    removed.sayKeptGone(listed(['m-2', 'large', true]));
    expect(shown.notice).toBe(
      'Model “small”, shown here last time, was removed since: import or download it again on the Models screen to fill with it.',
    );
    expect(shown.selected).toEqual([builtinChoice.key, 'm-2', 'folder:/x', 'checkpoint:/r/c']);
    // Once: a later list says nothing more.
    removed.sayKeptGone(listed());
    expect(shown.notice).toMatch(/^Model “small”[^“]*$/);
  });

  it('says a model was removed, unnamed, from a screen kept before names were', () => {
    const shown = screen(['m-1', 'm-3']);
    shown.notice = 'Before.';
    const removed = new RemovedModels(shown);
    removed.expectKept(undefined);
    removed.sayKeptGone(listed());
    expect(shown.notice).toBe(
      'Before. 2 models shown here last time were removed since: import or download them again on the Models screen to fill with them.',
    );
    expect(shown.selected).toEqual([]);
  });

  it('says a kept model whose folder went, by its listed name, and keeps it ticked for when it is back', () => {
    const shown = screen(['m-1']);
    const removed = new RemovedModels(shown);
    removed.expectKept([]);
    removed.sayKeptGone(listed(['m-1', 'small', false]));
    expect(shown.notice).toBe(
      'The folder of model “small”, shown here last time, is gone (moved or deleted outside Spanfill): put it back, or import it from where it is now on the Models screen, to fill with it.',
    );
    expect(shown.selected).toEqual(['m-1']);
  });

  it('says nothing before a screen was kept, or when every kept model is there', () => {
    const shown = screen(['m-1']);
    const removed = new RemovedModels(shown);
    removed.sayKeptGone(listed());
    removed.expectKept([{ key: 'm-1', label: 'small' }]);
    removed.sayKeptGone(listed(['m-1', 'small', true]));
    expect(shown.notice).toBeUndefined();
  });
});

describe('RemovedModels.namesToKeep', () => {
  it("names the ticked registered models shown, and those not shown yet by the kept screen's names", () => {
    const shown = screen([builtinChoice.key, 'm-2', 'm-1', 'm-3']);
    const removed = new RemovedModels(shown);
    expect(removed.namesToKeep([builtinChoice, large])).toEqual([{ key: 'm-2', label: 'large' }]);
    // Read back: m-1 and m-3 kept by name, not listed yet; m-2 listed under a new name.
    removed.expectKept([
      { key: 'm-1', label: 'small' },
      { key: 'm-2', label: 'old' },
      { key: 'm-4', label: 'unticked' },
    ]);
    expect(removed.namesToKeep([builtinChoice, registered('m-2', 'larger')])).toEqual([
      { key: 'm-2', label: 'larger' },
      { key: 'm-1', label: 'small' },
    ]);
  });
});
