// The base model a resumed run prepares from. Normally the one it started from; when that is
// gone (the run whose checkpoint it started from was removed, a registered model's folder moved
// or deleted), its own checkpoint holds everything a resume needs from a base (config.json,
// tokenizer files, generation_config.json; the weights come from the checkpoint anyway), so a
// copy of it outside checkpoints/ (which keepLast prunes) stands in: <run>/base-model, the
// files hard-linked where the file system allows.

import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { checkpointOrigin } from '../../shared/contract/runNames';
import type { RunConfig } from '../../shared/contract/runs';
import { isPresetModelName } from '../../shared/contract/runs';
import { ApiError, errorMessage } from '../../shared/errors';
import { isBuiltinModelName } from '../engine/t5/builtin';
import { OPTIMIZER_FILE, TRAINER_STATE_FILE } from '../engine/train/checkpoint';
import type { RunPrepareDeps } from './runsPrepare';
import { linkCheckpointFiles } from './runsCheckpoint';
import { resolveRunModel } from './runsPrepare';

/** Why the base model `model` cannot be found any more; undefined while it can. */
function baseGone(deps: RunPrepareDeps, model: string): string | undefined {
  if (isBuiltinModelName(model) || isPresetModelName(model)) return undefined;
  const origin = checkpointOrigin(model);
  const gone = origin
    ? `the checkpoint it started from (run ${origin.runId}, step ${origin.step}) was removed`
    : `the model it started from (${model}) is no longer found`;
  try {
    return existsSync(path.join(resolveRunModel(deps, model), 'config.json')) ? undefined : gone;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') return origin ? gone : `${gone}: ${error.message}`;
    throw error;
  }
}

/** <runFolder>/base-model: checkpoint `from` without its optimizer state, made once. */
function standInBase(runFolder: string, from: string): string {
  const dir = path.join(runFolder, 'base-model');
  if (existsSync(path.join(dir, 'config.json'))) return dir;
  const temp = path.join(runFolder, `.base-model.${process.pid}.tmp`);
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp);
  try {
    linkCheckpointFiles(from, temp, [OPTIMIZER_FILE, TRAINER_STATE_FILE]);
    rmSync(dir, { recursive: true, force: true });
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw new ApiError('internal', `Could not copy ${from} to ${dir} to resume from: ${errorMessage(error)}`);
  }
  return dir;
}

/**
 * The configuration run `id` resumes with: `config` itself while its base model is there, else
 * the same with the stand-in base made from `from` (its resume checkpoint). Without one, a
 * conflict that says why it cannot be resumed.
 */
export function resumeConfig(
  deps: RunPrepareDeps,
  run: { readonly id: string; readonly config: RunConfig; readonly folder: string },
  from: string | undefined,
): RunConfig {
  const gone = baseGone(deps, run.config.model);
  if (gone === undefined) return run.config;
  if (from === undefined)
    throw new ApiError(
      'conflict',
      `Run ${run.id} cannot be resumed: it saved no checkpoint, and ${gone}. Start a new run.`,
    );
  return { ...run.config, model: standInBase(run.folder, from) };
}
