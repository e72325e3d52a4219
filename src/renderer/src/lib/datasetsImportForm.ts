// The Datasets screen's import form as plain data: what it starts with, the options it sends with
// the paths (datasets.import), and a refusal of typed paths with the hint for paths typed on one
// line (typedPaths.ts onePathPerLineHint). The datasets store (datasets.svelte.ts) holds one.

import type { DatasetSplitMode } from '../../../shared/contract/datasets';
import { onePathPerLineHint } from './typedPaths';

export interface ImportForm {
  paths: string;
  name: string;
  field: string;
  column: string;
  split: DatasetSplitMode | 'auto';
  nfkc: boolean;
  collapseWhitespace: boolean;
}

/** The form as the screen opens: no paths, the service's choices for the rest. */
export function blankImportForm(): ImportForm {
  return { paths: '', name: '', field: '', column: '', split: 'auto', nfkc: false, collapseWhitespace: false };
}

/** What datasets.import takes of the form besides the paths and the name: a blank box or 'auto' is the service's choice. */
export function importOptions(form: ImportForm): {
  field: string | undefined;
  column: string | undefined;
  split: DatasetSplitMode | undefined;
  nfkc: boolean;
  collapseWhitespace: boolean;
} {
  return {
    field: form.field.trim() || undefined,
    column: form.column.trim() || undefined,
    split: form.split === 'auto' ? undefined : form.split,
    nfkc: form.nfkc,
    collapseWhitespace: form.collapseWhitespace,
  };
}

/** The import's refusal of typed `paths`, with how to type them where they look like several on one line. */
export function withPathsHint(error: string, paths: readonly string[]): string {
  const hint = onePathPerLineHint(paths, error);
  return hint === undefined ? error : `${error}${/[.!?]$/.test(error) ? '' : '.'} ${hint}`;
}
