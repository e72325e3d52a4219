// The Playground's recent prompts as a shell walks its history: each prompt chosen goes into
// the editor at once (mouse or arrow keys alike), and the prompt that was there before the
// first is kept aside, offered back as the select's first line, until the editor is edited; a
// draft made by "Mask a text for me" comes back with the spans it hid (the columns say again
// which came back exactly).
// Plain functions (no DOM, tested under Node); PromptEditor.svelte holds the state.
// NOTE: not "apply on a Use button": a select that does nothing when picked surprises a mouse
// user, and on a closed select the arrow keys choose as they go (Chromium on Windows and Linux),
// so applying each choice and keeping the draft lets the keys reach every prompt and lose nothing.

/** What "Mask a text for me" hid in the editor's prompt, by sentinel number, and what the masking noted. */
export interface MaskedSpans {
  readonly expected: ReadonlyMap<number, string>;
  readonly notes: readonly string[];
}

/** Which recent prompt the editor holds ('' for none), and the draft it replaced. */
export interface RecentChoice {
  readonly chosen: string;
  /** The editor's text before the first recent prompt was chosen; undefined while none is. */
  readonly draft: string | undefined;
  /** What a mask hid in that draft, when a mask made it. */
  readonly draftMasked?: MaskedSpans;
}

export const NO_RECENT_CHOSEN: RecentChoice = { chosen: '', draft: undefined };

/**
 * The editor's text and the choice once `value` is chosen: a recent prompt replaces the
 * editor's text, keeping the draft it replaced (the first time) with what a mask hid in it
 * (`masked`); '' puts that draft back, and what it hid (`masked` of the result: none for a
 * recent prompt or a draft typed by hand).
 */
export function chooseRecent(
  choice: RecentChoice,
  prompt: string,
  value: string,
  masked?: MaskedSpans,
): { prompt: string; choice: RecentChoice; masked?: MaskedSpans } {
  if (value === '') {
    const back = choice.draft === undefined ? masked : choice.draftMasked;
    return { prompt: choice.draft ?? prompt, choice: NO_RECENT_CHOSEN, ...(back && { masked: back }) };
  }
  if (choice.draft !== undefined) return { prompt: value, choice: { ...choice, chosen: value } };
  return { prompt: value, choice: { chosen: value, draft: prompt, ...(masked && { draftMasked: masked }) } };
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
