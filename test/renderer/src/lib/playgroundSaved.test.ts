// What the Playground reads back from the browser profile (playgroundSaved.ts): the history,
// newest first and at most HISTORY_LIMIT prompts, and the screen as it was left — each field
// checked, a folder or checkpoint choice kept only when it is whole and of its kind, and
// nothing at all from what is not a saved screen.
import { describe, expect, it } from 'vitest';
import type { ModelChoice } from '../../../../src/renderer/src/lib/modelChoices';
import { HISTORY_LIMIT, parseHistory, parseSession } from '../../../../src/renderer/src/lib/playgroundSaved';

const folder: ModelChoice = { key: 'folder:/m', label: 'm', detail: '/m', ref: '/m', source: 'folder' };
const checkpoint: ModelChoice = {
  key: 'checkpoint:/c/10',
  label: 'run tiny · step 10',
  detail: 'checkpoint',
  ref: '/c/10',
  source: 'checkpoint',
};

describe('parseHistory', () => {
  it('keeps the strings, newest first, up to the limit, and reads anything else as none', () => {
    expect(parseHistory(JSON.stringify(['b', 3, 'a']))).toEqual(['b', 'a']);
    const many = Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => `p${i}`);
    expect(parseHistory(JSON.stringify(many))).toEqual(many.slice(0, HISTORY_LIMIT));
    for (const raw of [null, '', '{"a":1}', 'not json']) expect(parseHistory(raw)).toEqual([]);
  });
});

describe('parseSession', () => {
  it('gives back a saved screen', () => {
    const session = {
      prompt: 'The <extra_id_0>',
      selected: [folder.key, 'm-1'],
      folders: [folder],
      addedCheckpoints: [checkpoint],
    };
    expect(parseSession(JSON.stringify(session))).toEqual(session);
  });

  it('drops choices that are not whole or not of their list, and keys that are not strings', () => {
    const session = {
      prompt: 'x',
      selected: ['a', 7, null],
      folders: [folder, checkpoint, { ...folder, ref: 1 }, 'folder:/x'],
      addedCheckpoints: [checkpoint, folder, { ...checkpoint, source: 'cloud' }],
    };
    expect(parseSession(JSON.stringify(session))).toEqual({
      prompt: 'x',
      selected: ['a'],
      folders: [folder],
      addedCheckpoints: [checkpoint],
    });
  });

  it('reads nothing from what is not a saved screen', () => {
    for (const raw of [null, 'not json', '[]', '"prompt"', JSON.stringify({ selected: ['a'] })])
      expect(parseSession(raw)).toBeNull();
  });
});
