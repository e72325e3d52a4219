// What the Models screen's Hub panel says around a download (HubPanel.svelte, models.svelte.ts):
// the Hub's messages in the screen's words, and why Download waits.

import { PULL_AGAIN } from '../../../shared/pullAgain';

/**
 * A message of the Hub's, written for `spanfill models pull` ("…, then pull again"), as the
 * Models screen says it: the screen has no pull, its button is Download (as services/demo.ts
 * says the demo's instead).
 */
export function onModelsScreen(message: string): string {
  return message.replaceAll(PULL_AGAIN, 'then press Download again');
}

/** Why Download waits for the Repository id box, said under it; undefined once it holds something. */
export function repoIdWaitsFor(typed: string): string | undefined {
  if (typed.trim() !== '') return undefined;
  return 'Type a repository id (owner/name, e.g. google/flan-t5-small) or paste its Hub address, then Download.';
}

/**
 * How the last download ended, once its boxes are edited: a failure goes, being about what they
 * held before; a download that went well is still said.
 */
export function outcomeAfterEdit<T extends { readonly isError: boolean }>(outcome: T | undefined): T | undefined {
  return outcome?.isError === true ? undefined : outcome;
}
