// The bundled sample as a dataset (`datasets.importSample`): imports resources/sample/sample.txt
// once and afterwards returns that dataset, so the empty Datasets screen's offer and
// `spanfill demo` never make a second copy. Its own file so the datasets service need not
// change for it; resources.ts finds the file in a checkout or a packaged app.

import path from 'node:path';
import type { DatasetSummary } from '../../shared/contract/datasets';
import { sampleTextPath } from '../resources';
import type { DatasetService } from './datasets';
import type { DomainHandlers } from './handler';

/** The name the sample is imported under (a person may rename it; it is found by its source). */
export const SAMPLE_DATASET_NAME = 'Sample: public-domain founding documents';

/** The ready dataset imported from `samplePath`, if there is one (the newest). */
export function findSampleDataset(datasets: DatasetService, samplePath: string): DatasetSummary | undefined {
  const source = path.resolve(samplePath);
  return datasets
    .list()
    .filter((d) => d.status === 'ready' && d.sourcePath === source)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/** The sample's dataset, imported now unless it is already there; `reused` says which. */
export async function importSample(
  datasets: DatasetService,
  signal?: AbortSignal,
  samplePath: string = sampleTextPath(),
): Promise<{ dataset: DatasetSummary; reused: boolean }> {
  const existing = findSampleDataset(datasets, samplePath);
  if (existing) return { dataset: existing, reused: true };
  const dataset = await datasets.import({ paths: [path.resolve(samplePath)], name: SAMPLE_DATASET_NAME }, signal);
  return { dataset, reused: false };
}

export function datasetSampleHandlers(services: {
  readonly datasets: DatasetService;
}): Pick<DomainHandlers<'datasets'>, 'datasets.importSample'> {
  return {
    'datasets.importSample': async () => (await importSample(services.datasets)).dataset,
  };
}
