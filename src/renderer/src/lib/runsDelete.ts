// What the Runs table's Delete… asks before it deletes a run (screens/runs/RunsTable.svelte):
// the run and its checkpoints with their size, the runs that continued from those checkpoints
// (they could not be resumed after), and that the models exported from it are kept (runs.remove
// deletes the run's folder under runs/, never <data dir>/exports), and why Delete… waits while the
// run trains (the service refuses then; another window or a terminal may have resumed it).

import { exportsFolder } from '../../../shared/contract/export';
import { checkpointOrigin } from '../../../shared/contract/runNames';
import type { RunStatusName } from '../../../shared/contract/runs';
import { formatBytes } from '../../../shared/format';

interface NamedRun {
  readonly id: string;
  readonly name: string;
  readonly model: string;
}

/**
 * The question for deleting `run`, among `runs`; `diskBytes` its folder's size where known,
 * `dataDir` the data directory where known (the exports' folder is named then).
 */
export function deleteRunQuestion(
  run: NamedRun,
  runs: readonly NamedRun[],
  diskBytes: number | undefined,
  dataDir: string | undefined,
): string {
  const continuing = runs.filter((other) => checkpointOrigin(other.model)?.runId === run.id).map((r) => r.name);
  const question = `Delete ${run.name} and its checkpoints${diskBytes ? ` (${formatBytes(diskBytes)})` : ''}?`;
  const after =
    continuing.length === 0
      ? ''
      : ` ${continuing.join(', ')} continued from them and could not be resumed or re-run after.`;
  const sep = dataDir?.includes('\\') && !dataDir.includes('/') ? '\\' : '/';
  const where = dataDir ? ` in ${dataDir.replace(/[\\/]$/, '')}${sep}${exportsFolder}` : '';
  return `${question}${after} Its exports${where} are kept.`;
}

/**
 * Why Delete… waits for a run of `status`, if it does: it trains, or is starting to (runs.remove
 * refuses both). Said by the held trigger, which also closes a question asked before.
 */
export function deleteWaitsFor(status: RunStatusName): string | undefined {
  if (status === 'running') return 'It trains: stop it first';
  if (status === 'queued') return 'It is starting to train: stop it first';
  return undefined;
}
