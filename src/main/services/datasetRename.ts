// Renaming a dataset (`datasets.rename`): only its display name changes; the id, documents and
// token caches stay. A name another dataset has is refused (names stay distinct: idOrName.ts). Its own file so the datasets service need not change for it; the SQL is
// DatasetRepository.rename. Other windows hear of it by datasets.renamed.

import type { DatasetSummary } from '../../shared/contract/datasets';
import { ApiError } from '../../shared/errors';
import { DATASET_KIND, type DatasetService } from './datasets';
import { refuseOthersId, refuseTakenName } from './idOrName';
import type { EventBus } from './events';
import type { DomainHandlers } from './handler';

export function renameDataset(datasets: DatasetService, events: EventBus, id: string, name: string): DatasetSummary {
  const before = datasets.get(id, 0); // not_found names the id
  if (before.status === 'importing') {
    throw new ApiError('conflict', `Dataset ${id} is still importing; rename it once the import is done`);
  }
  const rows = datasets.repo.states();
  refuseOthersId(id, name, rows, DATASET_KIND);
  refuseTakenName(id, name, rows, DATASET_KIND);
  datasets.repo.rename(id, name);
  events.emit('datasets.renamed', { datasetId: id, name });
  const { sample: _sample, ...summary } = datasets.get(id, 0);
  return summary;
}

export function datasetRenameHandlers(services: {
  readonly datasets: DatasetService;
  readonly events: EventBus;
}): Pick<DomainHandlers<'datasets'>, 'datasets.rename'> {
  return {
    'datasets.rename': async ({ id, name }) => renameDataset(services.datasets, services.events, id, name),
  };
}
