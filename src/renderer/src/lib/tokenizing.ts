// A dataset's first use with a tokenizer counts its tokens into a cache (the Masking preview,
// the Train estimate): the datasets.importProgress events of that phase, in words, so a wait of
// seconds to a minute on a large dataset says what it is doing.

import type { EventMap } from '../../../shared/events';

export interface TokenizingProgress {
  readonly done: number;
  readonly total: number | null;
}

/** The progress an event gives for `datasetId`, or undefined when it is about something else. */
export function tokenizingOf(
  event: EventMap['datasets.importProgress'],
  datasetId: string,
): TokenizingProgress | undefined {
  return event.phase === 'tokenizing' && event.datasetId === datasetId
    ? { done: event.done, total: event.total }
    : undefined;
}

/** "Tokenizing the dataset for this tokenizer (once; …): 1,200 of 28,019 documents…". */
export function describeTokenizing(progress: TokenizingProgress): string {
  const of = progress.total === null ? '' : ` of ${progress.total.toLocaleString('en')}`;
  return (
    'Tokenizing the dataset for this tokenizer (once; later previews and training reuse it): ' +
    `${progress.done.toLocaleString('en')}${of} documents…`
  );
}
