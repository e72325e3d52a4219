// The Export panel of a run (screens/train/ExportPanel.svelte) as plain data: the checkpoint
// select's options (each that cannot be used saying why: runs.get's ListedCheckpoint.problem) and
// its choice as the contract takes it, the folder it suggests under the data directory (and why
// Export waits once the folder box is emptied), the formats in words. How to load a written folder is the contract's exportLoadHint (the CLI
// prints it too).

import { exportsFolder, type ExportFormat, type ExportResult } from '../../../shared/contract/export';
import { formatBytes, plural } from '../../../shared/format';
import { lastCheckpoint } from '../../../shared/contract/runNames';
import { type ListedCheckpoint, unusableWords } from '../../../shared/contract/runs';

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

/** One option of the checkpoint select: its value (checkpointChoice takes it) and what it says. */
export interface ExportCheckpointOption {
  readonly value: string;
  readonly text: string;
  /** Set when the checkpoint it stands for cannot be used: a sentence saying which and why (the option is disabled). */
  readonly unusable?: string;
}

/**
 * best (by validation loss, else the last), last and each step, in step order; an option whose
 * checkpoint cannot be used says why, as an export of it would be refused.
 */
export function exportCheckpointOptions(checkpoints: readonly ListedCheckpoint[]): ExportCheckpointOption[] {
  const last = checkpoints.find((c) => c.step === lastCheckpoint(checkpoints)?.step);
  const best = checkpoints.find((c) => c.isBest) ?? last;
  return [
    marked({ value: 'best', text: 'best by validation loss (else the last)' }, best),
    marked({ value: 'last', text: last ? `the last (${stepWords(last)})` : 'the last' }, last),
    ...checkpoints.map((c) => marked({ value: String(c.step), text: stepWords(c) }, c)),
  ];
}

const stepWords = (c: ListedCheckpoint): string => `step ${c.step.toLocaleString('en')}`;

/** `option` saying that `c`, the checkpoint it stands for, cannot be used and why; as it is when `c` can be. */
function marked(option: ExportCheckpointOption, c: ListedCheckpoint | undefined): ExportCheckpointOption {
  if (c?.problem === undefined) return option;
  const [why, step] = [unusableWords(c.problem), stepWords(c)];
  const sentence = (which: string) => `${which} ${why}. Choose another.`;
  if (option.value === 'best')
    return { ...option, text: `${option.text} · ${step} ${why}`, unusable: sentence(`The best checkpoint (${step})`) };
  if (option.value === 'last')
    return { ...option, text: `${option.text} · ${why}`, unusable: sentence(`The last checkpoint (${step})`) };
  return { ...option, text: `${option.text} · ${why}`, unusable: sentence(`S${step.slice(1)}`) };
}

/**
 * Why Export waits for the folder box once it was emptied by hand (`typed`; undefined while the
 * box follows the suggestion), naming the suggested folder when there is one to use; undefined
 * while it holds a folder.
 */
export function exportFolderProblem(typed: string | undefined, suggested: string): string | undefined {
  if (typed === undefined || typed.trim() !== '') return undefined;
  return suggested === '' ? 'Type a folder to export into.' : 'Type a folder to export into, or use the suggested one.';
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

/**
 * What an export wrote, in the panel's words, either side of its folder: "Step 1,000 exported"
 * (to FOLDER) "10 files, 593.9 KiB." — steps and counts as the checkpoint select writes them.
 */
export function exportedWords(result: ExportResult): { readonly what: string; readonly written: string } {
  const what = result.checkpoint ? `Step ${result.checkpoint.step.toLocaleString('en')} exported` : 'Exported';
  const documents = result.documents
    ? `, ${result.documents.train.toLocaleString('en')} training and ${result.documents.validation.toLocaleString('en')} validation documents`
    : '';
  return { what, written: `${plural(result.files.length, 'file')}, ${formatBytes(result.bytes)}${documents}.` };
}
