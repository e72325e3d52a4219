// How a dataset reads on the screens: in a picker (Train's and Masking's), its name and document
// count, and where two datasets share a name (the same file imported twice) its id too, so they
// can be told apart (the id is what `spanfill datasets` lists beside the name); and the notice
// after its import, with its notes said or counted.

import type { DatasetSummary } from '../../../shared/contract/datasets';
import type { RunSummary } from '../../../shared/contract/runs';
import { plural } from '../../../shared/format';

/** Each dataset's option text, by id. */
export function datasetOptionLabels(datasets: readonly DatasetSummary[]): Map<string, string> {
  const named = new Map<string, number>();
  for (const ds of datasets) named.set(ds.name, (named.get(ds.name) ?? 0) + 1);
  return new Map(
    datasets.map((ds) => {
      const label = `${ds.name} (${plural(ds.stats?.documents ?? 0, 'document')})`;
      return [ds.id, (named.get(ds.name) ?? 0) > 1 ? `${label} · ${ds.id}` : label];
    }),
  );
}

/** "Imported notes.txt: 40 documents (36 for training, 4 for validation)." and its notes, if any (importNotes). */
export function importedNotice(ds: DatasetSummary): string {
  const stats = ds.stats;
  if (!stats) return `Imported ${ds.name}.`;
  const { trainDocuments, validationDocuments, isSelfValidation } = stats.split;
  const split = isSelfValidation
    ? 'used for both training and validation'
    : `${trainDocuments.toLocaleString('en')} for training, ${validationDocuments.toLocaleString('en')} for validation`;
  return `Imported ${ds.name}: ${plural(stats.documents, 'document')} (${split}).${importNotes(stats.warnings)}`;
}

/** The longest note said whole in the notice; a longer one, or several, are counted. */
const SHORT_NOTE = 100;

/**
 * The import's notes (files skipped, the name numbered) for the notice, kept short: they are
 * read in the dataset's details (DatasetDetail), which open under it. A lone short note is said
 * whole (unless it holds a command, which only the details show as one); more are counted.
 */
function importNotes(warnings: readonly string[]): string {
  const [only] = warnings;
  if (only === undefined) return '';
  if (warnings.length === 1 && only.length <= SHORT_NOTE && !only.includes('`'))
    return ` Note: ${/[.!?]$/.test(only) ? only : `${only}.`}`;
  return ` ${plural(warnings.length, 'note')} on the import, in its details below.`;
}

/**
 * Why the dataset cannot be removed now, or undefined: a run trains on it (queued or running;
 * the service refuses the same, runsLock.ts), and a run whose dataset went cannot be resumed.
 */
export function removalBlocked(datasetId: string, runs: readonly RunSummary[]): string | undefined {
  const training = runs.find((r) => r.datasetId === datasetId && (r.status === 'running' || r.status === 'queued'));
  return training && `Run ${training.name} is training on it; stop the run first`;
}
