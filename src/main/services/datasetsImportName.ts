// The name of a dataset imported without one: its first path's file or folder name, chosen as
// the import starts (its row shows it while it runs). Where that path gave no documents (a
// binary or empty file skipped among others), the dataset is named, once the import is done,
// after the first path that gave some: "ok.txt" for pic.png + ok.txt, not "pic.png". Numbered
// as any name is where another dataset has it (idOrName.ts).

import path from 'node:path';
import { nameFromFile } from '../../shared/contract/displayName';
import type { ImportedFileSummary } from '../engine/data/import';
import { isWithin } from '../pathWithin';
import type { DatasetRepository } from '../store/datasets';
import { numberedName, numberedNote } from './idOrName';

/** How a numbered import's note says to name either dataset anew. */
export const RENAME_EITHER = '(`spanfill datasets rename ID NAME` names either anew)';

/** The name of an import of `paths` given none: the first path's. */
export function defaultImportName(paths: readonly string[]): string {
  return nameFromFile(path.basename(paths[0]), 'dataset');
}

/** A dataset's name and, where it was numbered, why. */
export interface ImportName {
  readonly name: string;
  readonly nameNote?: string;
}

/**
 * Renames dataset `id`, named by defaultImportName, after the first of `paths` that gave
 * documents where that is not the first one; `current` where it is, or where that name is
 * another dataset's id (which would always win over it).
 */
export function nameAfterDocuments(
  repo: DatasetRepository,
  id: string,
  paths: readonly string[],
  files: readonly ImportedFileSummary[],
  current: ImportName,
): ImportName {
  const imported = files.find((file) => file.documents > 0);
  const given = imported && paths.find((candidate) => isWithin(path.resolve(imported.path), path.resolve(candidate)));
  if (given === undefined || path.resolve(given) === path.resolve(paths[0])) return current;
  const asked = defaultImportName([given]);
  const others = repo.states().filter((row) => row.id !== id);
  if (others.some((row) => row.id === asked)) return current;
  let name = asked;
  for (let n = 2; others.some((row) => row.name === name); n++) name = numberedName(asked, n);
  repo.rename(id, name);
  return name === asked ? { name } : { name, nameNote: numberedNote(name, asked, others, 'dataset', RENAME_EITHER) };
}
