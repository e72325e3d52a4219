// The bundled sample as a dataset (`datasets.importSample`): imports resources/sample/sample.txt
// once and afterwards returns that dataset, so the empty Datasets screen's offer and
// `spanfill demo` never make a second copy. Its own file so the datasets service need not
// change for it; resources.ts finds the file in a checkout or a packaged app.

import path from 'node:path';
import type { DatasetSummary } from '../../shared/contract/datasets';
import { DEFAULT_VALIDATION_FRACTION } from '../engine/data/split';
import { sampleTextPath } from '../resources';
import { documentsHash } from './datasetImport';
import type { DatasetService } from './datasets';
import type { DomainHandlers } from './handler';

/** The name the sample is imported under (a person may rename it; it is found by its documents). */
export const SAMPLE_DATASET_NAME = 'Sample: public-domain founding documents';

/**
 * The newest ready dataset of the sample's documents with the default validation split, if
 * there is one: found by its documents' hash, not by the path it came from, so one imported by
 * another checkout, an earlier install of the app in another folder, or by hand is reused, and a
 * sample that an update changed is imported anew.
 */
export async function findSampleDataset(
  datasets: DatasetService,
  samplePath: string,
  signal?: AbortSignal,
): Promise<DatasetSummary | undefined> {
  const same = new Set(datasets.repo.readyIdsWithHash(await documentsHash([path.resolve(samplePath)], signal)));
  return datasets
    .list()
    .filter((d) => same.has(d.id) && d.stats?.split.validationFraction === DEFAULT_VALIDATION_FRACTION)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
}

/** The sample's dataset, imported now unless it is already there; `reused` says which. */
export async function importSample(
  datasets: DatasetService,
  signal?: AbortSignal,
  samplePath: string = sampleTextPath(),
): Promise<{ dataset: DatasetSummary; reused: boolean }> {
  const existing = await findSampleDataset(datasets, samplePath, signal);
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
