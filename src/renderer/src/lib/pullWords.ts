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
