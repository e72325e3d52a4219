// The disk the models take outside their own folders: the Hub cache under
// <dataDir>/models/hub, by repository, and the from-scratch starting points that runs of
// preset:NAME write under <dataDir>/models/preset, which can be removed while no such run trains.

import { existsSync, readdirSync, rmSync } from 'node:fs';
import type { ModelCacheUsage } from '../../shared/contract/models';
import { isPresetModelName } from '../../shared/contract/runs';
import { directoryBytes, HubCache } from '../engine/hub/cache';
import type { RunRepository } from '../store/runs';
import { CHECKPOINT_COPIES, liveRuns, trainingConflict } from './runsLock';

/** The Hub cache at `cacheRoot`, by repository, and the starting points under `scratchRoot`. */
export function modelCacheUsage(cacheRoot: string, scratchRoot: string): ModelCacheUsage {
  const repos = new HubCache(cacheRoot).usage();
  return {
    root: cacheRoot,
    bytes: repos.reduce((sum, r) => sum + r.bytes, 0),
    repos,
    scratch: scratchUsage(scratchRoot),
  };
}

function scratchUsage(root: string): ModelCacheUsage['scratch'] {
  const folders = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
  return { root, bytes: folders.length > 0 ? directoryBytes(root) : 0, folders: folders.length };
}

/**
 * Deletes the from-scratch starting points under `scratchRoot`; a run of preset:NAME rebuilds its
 * own from its seed (the same weights). Refused while one trains (`runs`: the store's runs): its
 * checkpoints copy that folder's tokenizer.
 */
export function removeScratchModels(runs: RunRepository, scratchRoot: string): { folders: number; freedBytes: number } {
  const training = liveRuns(runs).find((run) => isPresetModelName(run.baseModel));
  if (training) throw trainingConflict(training, `from scratch (${training.baseModel})`, CHECKPOINT_COPIES);
  const usage = scratchUsage(scratchRoot);
  rmSync(usage.root, { recursive: true, force: true });
  return { folders: usage.folders, freedBytes: usage.bytes };
}
