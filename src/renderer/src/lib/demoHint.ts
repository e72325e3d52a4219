// The `npm run demo` command the empty Datasets screen (screens/datasets/SampleOffer.svelte)
// offers: where --data-dir or SPANFILL_DATA_DIR chose this app's data directory, it names that
// one (after npm's `--`, quoted as shared/commandText.ts quotes the `spanfill …` commands shown),
// so that the demo's dataset and run land where this app looks.

import { shellWord } from '../../../shared/commandText';

/** `npm run demo`, with `-- --data-dir DIR` when `dataDir` (the chosen data directory) is given. */
export function demoCommand(dataDir: string | undefined): string {
  return dataDir === undefined ? 'npm run demo' : `npm run demo -- --data-dir ${shellWord(dataDir)}`;
}
