// How an import that left no dataset ended, announced for the screens that listed it as importing:
// by the process that ran it (datasetImport.ts), and by one that saw its row go from another
// process (datasetsWatch.ts) or cleared it as abandoned (DatasetService.removeAbandonedImports),
// from the note the importing process left (store/importEndings.ts).

import type { DatasetRepository } from '../store/datasets';
import type { ImportEnding } from '../store/importEndings';
import type { EventBus } from './events';

/**
 * datasets.statusChanged for an import that ended without a dataset: failed, with why (which
 * another page or window says); cancelled, without (someone asked for it). Said by the process
 * that ran it, and by one that watched it from another process (datasetsWatch.ts).
 */
export function announceImportEnded(events: EventBus, id: string, ending: ImportEnding): void {
  const why = ending.outcome === 'failed' ? { error: ending.reason } : {};
  events.emit('datasets.statusChanged', { datasetId: id, status: 'failed', ...why });
}

/**
 * datasets.removed for a dataset gone from the store that this process did not remove (another
 * process did, or it was an abandoned import cleared here), after how its import ended where the
 * importing process noted that (datasetImport.ts removeLeftovers), for a screen to say.
 */
export function announceRemovedElsewhere(
  deps: { readonly repo: DatasetRepository; readonly events: EventBus },
  id: string,
): void {
  const ending = deps.repo.endings?.read(id);
  if (ending !== undefined) announceImportEnded(deps.events, id, ending);
  deps.events.emit('datasets.removed', { datasetId: id });
}
