// The Playground's recent prompts as a shell walks its history: each prompt chosen goes into
// the editor at once (mouse or arrow keys alike), and the prompt that was there before the
// first is kept aside, offered back as the select's first line, until the editor is edited.
// Plain functions (no DOM, tested under Node); PromptEditor.svelte holds the state.
// NOTE: not "apply on a Use button": a select that does nothing when picked surprises a mouse
// user, and on a closed select the arrow keys choose as they go (Chromium on Windows and Linux),
// so applying each choice and keeping the draft lets the keys reach every prompt and lose nothing.

/** Which recent prompt the editor holds ('' for none), and the draft it replaced. */
export interface RecentChoice {
  readonly chosen: string;
  /** The editor's text before the first recent prompt was chosen; undefined while none is. */
  readonly draft: string | undefined;
}

export const NO_RECENT_CHOSEN: RecentChoice = { chosen: '', draft: undefined };

/**
 * The editor's text and the choice once `value` is chosen: a recent prompt replaces the
 * editor's text, keeping the draft it replaced (the first time); '' puts that draft back.
 */
export function chooseRecent(
  choice: RecentChoice,
  prompt: string,
  value: string,
): { prompt: string; choice: RecentChoice } {
  if (value === '') return { prompt: choice.draft ?? prompt, choice: NO_RECENT_CHOSEN };
  return { prompt: value, choice: { chosen: value, draft: choice.draft ?? prompt } };
}

/** A prompt shown in one line of the select: cut after `length` characters. */
export const promptInLine = (prompt: string, length: number): string =>
  prompt.length > length ? `${prompt.slice(0, length)}…` : prompt;

/** The select's first line: how many are kept, or, while a recent prompt replaced a draft, that draft back. */
export function recentPromptsLabel(kept: number, choice: RecentChoice): string {
  if (choice.draft !== undefined)
    return choice.draft === ''
      ? '↩ Back to the prompt you had (empty)'
      : `↩ Back to the prompt you had: ${promptInLine(choice.draft, 60)}`;
  return kept === 0 ? 'None yet: each prompt you fill is kept here' : `${kept} kept in the data directory — pick one`;
}
