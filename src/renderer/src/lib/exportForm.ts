// The Export panel of a run (screens/train/ExportPanel.svelte) as plain data: the checkpoint
// choice as the contract takes it, the folder it suggests under the data directory, the
// formats in words. How to load a written folder is the contract's exportLoadHint (the CLI
// prints it too).

import { exportsFolder, type ExportFormat } from '../../../shared/contract/export';

export const EXPORT_FORMAT_LABELS: Readonly<Record<ExportFormat, string>> = {
  hf: 'transformers (Python)',
  'transformers.js': 'transformers.js (browser, ONNX)',
  accelerate: 'accelerate training job',
};

/** A checkpoint select's value ('best', 'last' or a step number's digits) as exportRunSchema takes it. */
export function checkpointChoice(which: string): 'best' | 'last' | number {
  if (which === 'best' || which === 'last') return which;
  if (!/^\d+$/.test(which)) throw new Error(`not a checkpoint choice: '${which}'`);
  return Number(which);
}

const FOLDER_SUFFIX: Readonly<Record<ExportFormat, string>> = {
  hf: 'hf',
  'transformers.js': 'web',
  accelerate: 'accelerate',
};

/**
 * `<data dir>/exports/<run>-<checkpoint>-<format>`, with the data directory's own separator
 * (a Windows path keeps its backslashes); '' while the data directory is not known.
 */
export function defaultExportFolder(
  dataDir: string | undefined,
  runId: string,
  which: string,
  format: ExportFormat,
): string {
  if (!dataDir) return '';
  const sep = dataDir.includes('\\') && !dataDir.includes('/') ? '\\' : '/';
  const base = dataDir.endsWith(sep) ? dataDir.slice(0, -1) : dataDir;
  const checkpoint = /^\d+$/.test(which) ? `step${which}` : which;
  return [base, exportsFolder, `${runId}-${checkpoint}-${FOLDER_SUFFIX[format]}`].join(sep);
}
