// Where a folder may be registered from (models.import): not inside the data directory, whose
// folders Spanfill deletes with what they belong to — a run's checkpoints with `runs rm` and as
// the run prunes them while it trains, a pulled snapshot with its model, a dataset's files —
// so a model registered there would go "missing on disk" with no word (probe-odd F1). Its
// exports/ folder is the exception: an export writes there and nothing deletes it (export
// refuses to replace a registered model's folder). Links are seen through, as export sees them.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLE_FILL_PROMPT, shellWord } from '../../shared/commandText';
import { exportsFolder } from '../../shared/contract/export';
import { ApiError } from '../../shared/errors';
import { canonicalPath } from '../engine/export/folder';
import { isWithin } from '../pathWithin';
import { runsFolder } from './runFolders';

/** A checkpoint folder's name (engine/train/checkpoint.ts): step-NNNNNNNN. */
const STEP_FOLDER = /^step-(\d+)$/;

/**
 * Throws invalid_input when `dir` (as given) lies in `dataDir` but under its exports folder;
 * a run's checkpoint is named with its run (`runName` of its id, when the run is listed).
 */
export function refuseDataDirFolder(dir: string, dataDir: string, runName: (id: string) => string | undefined): void {
  if (!existsSync(dataDir)) return;
  const [target, data] = [canonicalPath(dir), canonicalPath(dataDir)];
  if (!isWithin(target, data) || isWithin(target, path.join(data, exportsFolder))) return;
  const [runId, inRun, stepFolder] = path.relative(runsFolder(data), target).split(path.sep);
  const step =
    isWithin(target, runsFolder(data)) && inRun === 'checkpoints' ? STEP_FOLDER.exec(stepFolder ?? '') : null;
  if (runId !== undefined && step) throw checkpointRefused(dir, runId, runName(runId), Number(step[1]));
  throw new ApiError(
    'invalid_input',
    `${dir} is inside Spanfill's data directory (${dataDir}), whose folders are deleted with the run, ` +
      'pull or dataset they belong to, so it is not registered as a model. Copy it to a folder of your own, ' +
      `or export it (\`spanfill export --model ${shellWord(dir)} --format hf --out DIR\`), and import that`,
  );
}

/**
 * A run's checkpoint offered as a model: what deletes it, what takes it as it is, how to keep a
 * copy as a model. Each command runs as written but for its placeholders (ID, DIR, the prompt).
 */
function checkpointRefused(dir: string, runId: string, name: string | undefined, step: number): ApiError {
  const run = name === undefined ? `run ${runId}` : `run ${runId} (${name})`;
  const pick = `--run ${runId} --checkpoint ${step}`;
  return new ApiError(
    'invalid_input',
    `${dir} is checkpoint ${step} of ${run}, in Spanfill's data directory: \`spanfill runs rm ${runId}\` ` +
      'deletes it, as the run does while it trains and keeps only its best and last checkpoints, so it is not ' +
      `registered as a model. A checkpoint needs no import: \`spanfill fill ${pick} ${EXAMPLE_FILL_PROMPT}\`, ` +
      `\`spanfill train --model ${shellWord(dir)} --dataset ID\`, and the Playground offers it. To keep it as a model, ` +
      `export a copy and import that: \`spanfill export ${pick} --format hf --out DIR\`, then \`spanfill models import DIR\``,
  );
}
