// How runs and their base models are named in words: a checkpoint folder as the run and step it
// comes from, a model as people know it (a registered model's name, else the last part of its
// path; a model folder in the engine's messages by its run and step or pulled repository), the
// name a run gets when it is given none, and a checkpoint's roles among its run's. Shared by the
// runs service (default names), the CLI, the runs table, the run view, the Playground and the
// engine's messages about a prompt.

import type { RunCheckpoint } from './runs';

const CHECKPOINT_FOLDER = /[\\/]runs[\\/](r-[0-9a-z]+)[\\/]checkpoints[\\/]step-(\d+)[\\/]?$/;
/** `…/readers/<id>.step-N.<reader>/step-N`: the linked copy a read of a checkpoint goes through (main/services/runsCheckpoint.ts). */
const READING_COPY = /[\\/]readers[\\/](r-[0-9a-z]+)\.step-\d+\.[^\\/]+[\\/]step-(\d+)[\\/]?$/;
/** `…/models--<owner>--<name>/snapshots/<commit>`: a pulled repository's files (main/engine/hub/cache.ts). */
const HUB_SNAPSHOT = /[\\/]models--([^\\/]+)[\\/]snapshots[\\/][^\\/]+[\\/]?$/;

type Origin = { readonly runId: string; readonly step: number } | null;

function originBy(pattern: RegExp, model: string): Origin {
  const match = pattern.exec(model);
  return match ? { runId: match[1], step: Number(match[2]) } : null;
}

/** The run and step whose checkpoint folder (`…/runs/<id>/checkpoints/step-N`) `model` is, if it is one. */
export function checkpointOrigin(model: string): Origin {
  return originBy(CHECKPOINT_FOLDER, model);
}

/**
 * A model folder as a message about the model names it, in the words the person chose it by: a
 * run's checkpoint (or the copy a read of it goes through) as "run <id>'s checkpoint at step N",
 * a pulled repository's snapshot as OWNER/NAME, any other folder by its name. For the engine,
 * which knows the folder only.
 */
export function modelFolderInWords(dir: string): string {
  const origin = checkpointOrigin(dir) ?? originBy(READING_COPY, dir);
  if (origin) return `run ${origin.runId}'s checkpoint at step ${origin.step}`;
  const repo = HUB_SNAPSHOT.exec(dir)?.[1];
  if (repo !== undefined) return repo.replace(/--/g, '/');
  return lastSegment(dir);
}

/** The last part of a path (`/models/t5-small/` → t5-small); `p` itself when it has no separator. */
function lastSegment(p: string): string {
  return p.split(/[\\/]/).filter(Boolean).at(-1) ?? p;
}

/**
 * A run's base model in a few words: a run's checkpoint as "<id> step N", anything else (a
 * folder, an id, builtin:…) by its last path segment. For the default run name and the runs
 * table, where the whole path would not fit.
 */
export function shortModelName(model: string): string {
  const origin = checkpointOrigin(model);
  if (origin) return `${origin.runId} step ${origin.step}`;
  return lastSegment(model);
}

/** The registered model a run's `model` names: given by its id, or by its folder. */
export function registeredModel<M extends { readonly id: string; readonly path: string }>(
  model: string,
  registered: readonly M[],
): M | undefined {
  return registered.find((m) => m.id === model || m.path === model);
}

/**
 * A run's base model as people know it: a registered model (registeredModel) by its name;
 * anything else by shortModelName. The runs service names runs with it, the runs table labels
 * their models with it.
 */
export function modelLabel(
  model: string,
  registered: readonly { readonly id: string; readonly name: string; readonly path: string }[],
): string {
  return registeredModel(model, registered)?.name ?? shortModelName(model);
}

/** The most characters of a dataset's or model's name in a default run name. */
export const RUN_NAME_PART_MAX = 40;

/** `text` cut to `max` characters (code points), the cut marked with an ellipsis. */
function clip(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max
    ? chars.join('')
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * The name a run gets when it is given none: "<model> on <dataset>", each as people call it (a
 * registered model's and the dataset's names, not their ids; see shortModelName for the rest),
 * each cut to RUN_NAME_PART_MAX characters; where another run (`takenNames`) has that name,
 * numbered ", run 2", ", run 3", … the first free, so that runs of one model on one dataset are
 * told apart by name in the runs list and a comparison's legend. Not " (2)", as datasets and
 * models are numbered: "m on d (2)" reads as a run on a dataset "d (2)", which may be there.
 */
export function defaultRunName(
  modelLabel: string,
  datasetName: string,
  takenNames: ReadonlySet<string> = new Set(),
): string {
  const name = `${clip(modelLabel, RUN_NAME_PART_MAX)} on ${clip(datasetName, RUN_NAME_PART_MAX)}`;
  let numbered = name;
  for (let number = 2; takenNames.has(numbered); number++) numbered = `${name}, run ${number}`;
  return numbered;
}

/**
 * What to call each of several runs shown together (a comparison's curves): its name, or its
 * name and id where another of them has the same name, so every label tells its run apart.
 */
export function distinctRunLabels(runs: readonly { readonly id: string; readonly name: string }[]): string[] {
  const count = new Map<string, number>();
  for (const run of runs) count.set(run.name, (count.get(run.name) ?? 0) + 1);
  return runs.map((run) => ((count.get(run.name) ?? 0) > 1 ? `${run.name} (${run.id})` : run.name));
}

/** The checkpoint of the highest step, which `--checkpoint last` picks; undefined when there is none. */
export function lastCheckpoint(checkpoints: readonly RunCheckpoint[]): RunCheckpoint | undefined {
  return checkpoints.reduce<RunCheckpoint | undefined>(
    (a, b) => (a === undefined || b.step > a.step ? b : a),
    undefined,
  );
}

/** A checkpoint's roles as `--checkpoint best|last` and the screens name them: 'best', 'last', both or none. */
export function checkpointRoles(checkpoint: RunCheckpoint, last: RunCheckpoint | undefined): string[] {
  return [checkpoint.isBest ? 'best' : '', checkpoint.step === last?.step ? 'last' : ''].filter(Boolean);
}
