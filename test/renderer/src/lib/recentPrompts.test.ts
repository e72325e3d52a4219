// The Playground's recent prompts walked like a shell's history: each one chosen is put in the
// editor, and the prompt typed before the first is kept, one choice away, until the editor is edited.
import { describe, expect, it } from 'vitest';
import {
  chooseRecent,
  NO_RECENT_CHOSEN,
  recentPromptsLabel,
  type RecentChoice,
} from '../../../../src/renderer/src/lib/recentPrompts';

const history = ['third <extra_id_0> prompt', 'second <extra_id_0> prompt', 'first <extra_id_0> prompt'];

describe('chooseRecent', () => {
  it('walks every recent prompt in turn, keeping the draft typed before the first', () => {
    let choice: RecentChoice = NO_RECENT_CHOSEN;
    let prompt = 'my unsaved draft';
    for (const past of history) {
      ({ prompt, choice } = chooseRecent(choice, prompt, past));
      expect(prompt).toBe(past);
      expect(choice).toEqual({ chosen: past, draft: 'my unsaved draft' });
    }
    // Back to the first entry: the draft as it was typed.
    ({ prompt, choice } = chooseRecent(choice, prompt, ''));
    expect(prompt).toBe('my unsaved draft');
    expect(choice).toEqual(NO_RECENT_CHOSEN);
  });

  it('keeps an empty draft too, and leaves the prompt as it is when there is none', () => {
    const picked = chooseRecent(NO_RECENT_CHOSEN, '', history[0]);
    expect(chooseRecent(picked.choice, picked.prompt, '').prompt).toBe('');
    expect(chooseRecent(NO_RECENT_CHOSEN, 'typed', '')).toEqual({ prompt: 'typed', choice: NO_RECENT_CHOSEN });
  });
});

describe('chooseRecent with a masked draft', () => {
  const masked = {
    expected: new Map([
      [0, 'cute'],
      [1, 'the green'],
    ]),
    notes: ['2 spans hidden.'],
  };
  const draft = 'The <extra_id_0> dog walks in <extra_id_1> park.';

  it('brings back what "Mask a text for me" hid in the draft as the draft comes back', () => {
    let walk = chooseRecent(NO_RECENT_CHOSEN, draft, history[0], masked);
    expect(walk.prompt).toBe(history[0]);
    expect(walk.masked).toBeUndefined(); // (a recent prompt hides nothing known)
    walk = chooseRecent(walk.choice, walk.prompt, history[1]);
    expect(walk.masked).toBeUndefined();
    walk = chooseRecent(walk.choice, walk.prompt, '');
    expect(walk.prompt).toBe(draft);
    expect(walk.masked).toEqual(masked);
    expect(walk.choice).toEqual(NO_RECENT_CHOSEN);
  });

  it('brings back nothing hidden for a draft typed by hand', () => {
    const picked = chooseRecent(NO_RECENT_CHOSEN, 'typed', history[0]);
    expect(chooseRecent(picked.choice, picked.prompt, '').masked).toBeUndefined();
  });
});

describe('recentPromptsLabel', () => {
  it('says how many are kept, and offers the draft back while a recent prompt replaced it', () => {
    expect(recentPromptsLabel(0, NO_RECENT_CHOSEN)).toBe('None yet: each prompt you fill is kept here');
    expect(recentPromptsLabel(3, NO_RECENT_CHOSEN)).toBe('3 kept in the data directory — pick one');
    expect(recentPromptsLabel(3, { chosen: history[1], draft: 'my unsaved draft' })).toBe(
      '↩ Back to the prompt you had: my unsaved draft',
    );
    expect(recentPromptsLabel(3, { chosen: history[1], draft: '' })).toBe('↩ Back to the prompt you had (empty)');
    expect(recentPromptsLabel(3, { chosen: history[1], draft: 'x'.repeat(100) })).toBe(
      `↩ Back to the prompt you had: ${'x'.repeat(60)}…`,
    );
  });
});
