// `spanfill models [list | catalog | pull REPO_ID | import DIR | show MODEL | rm ID | cache [rm REPO_ID | rm-scratch] | token …]`:
// the registered models, one in full (models-show.ts renders it), Hub pulls (progress bar on stderr; HF_ENDPOINT, HF_TOKEN and
// HF_HUB_OFFLINE as in Python's huggingface_hub), folder imports, the download cache and the
// from-scratch starting points.
// All of it is the models service (src/main/services/models.ts); rm asks no question.

import type {
  CachedRepoRemoved,
  CatalogModel,
  HubTokenStatus,
  ModelCacheUsage,
  ModelDetails,
  ModelPulled,
  ModelRegistered,
  ModelRemoved,
  ModelSummary,
} from '../../../shared/contract/models';
import type { ModelService } from '../../services/models';
import { unknownName } from '../argErrors';
import { defineCommand, InterruptedError, UsageError, type CommandContext } from '../command';
import { fullModelReference } from '../model-arg';
import type { ProgressBar } from '../output';
import { importFolder } from './models-import';
import { renderModelDetails } from './models-show';
import { tokenArgument, tokenInput } from './models-token';
import { formatBytes, plural } from '../../../shared/format';

type ModelsResult =
  | {
      readonly action: 'list';
      readonly models: readonly ModelSummary[];
      /** The ids of those whose folder is there but damaged (each one's `problem` says how). */
      readonly damaged: readonly string[];
    }
  | {
      readonly action: 'show';
      readonly model: ModelDetails;
      /** model.problem's message (kept for scripts that read it here); null when it reads or is not there. */
      readonly problem: string | null;
    }
  | { readonly action: 'catalog'; readonly catalog: readonly CatalogModel[] }
  | ({ readonly action: 'pull' } & ModelPulled)
  | { readonly action: 'import'; readonly model: ModelRegistered }
  | ({ readonly action: 'rm' } & ModelRemoved)
  | ({ readonly action: 'cache' } & ModelCacheUsage)
  | ({ readonly action: 'cache-rm' } & CachedRepoRemoved)
  | { readonly action: 'cache-rm-scratch'; readonly folders: number; readonly freedBytes: number }
  | ({ readonly action: 'token' } & HubTokenStatus);

const ACTIONS = ['list', 'catalog', 'pull', 'import', 'show', 'rm', 'cache', 'token'] as const;

export const modelsCommand = defineCommand({
  name: 'models',
  takesArguments: true,
  summary: 'List, show, pull from the Hugging Face Hub, import or remove models',
  usage:
    'spanfill models [list | catalog | pull REPO_ID[@R] [--revision R] [--offline] | import DIR [--name N] | show MODEL | rm ID | cache [rm REPO_ID | rm-scratch] | token [set TOKEN | set - | clear]]',
  description:
    'show prints one model: id, name, where it came from, its folder and size on disk, whether the\n' +
    "folder reads (config.json and the weights' headers; the list marks one that does not), its\n" +
    'shape (config.json), its tokenizer and the runs started from it; MODEL as `fill --model` reads it\n' +
    '(a model id or name, a folder, builtin:byt5-tiny, a pulled OWNER/NAME[@R]).\n' +
    'pull fetches config.json, the safetensors weights and the tokenizer files at one commit into\n' +
    '<data dir>/models/hub, resuming partial files and checking each against the Hub; REPO_ID may be\n' +
    'its Hub address (https://huggingface.co/OWNER/NAME, or …/tree/R for a revision). HF_ENDPOINT\n' +
    'picks another Hub, HF_TOKEN (or `models token set TOKEN`, kept in a 0600 file) opens gated\n' +
    'models; `models token set -` reads TOKEN from standard input, out of shell history and ps:\n' +
    '`echo "$T" | spanfill models token set -`.\n' +
    "HF_HUB_OFFLINE=1 or --offline uses only the cache. rm deletes a pulled model's files; an\n" +
    'imported folder is only unregistered; it reads ID as `fill --model` does (a model id or name, a\n' +
    'pulled REPO_ID[@R], a full folder path). A name may not be an id, bytes, start with builtin: or\n' +
    'preset:, or hold a "/" (--model reads those first). cache\n' +
    'also counts the from-scratch starting points (runs of preset:NAME, in <data dir>/models/preset);\n' +
    'cache rm-scratch deletes them (a run rebuilds its own from its seed), not while one trains.',
  options: {
    revision: { type: 'string', placeholder: 'R', description: 'pull: branch, tag or commit (default main)' },
    offline: { type: 'boolean', description: 'pull: use the cache only, never the network' },
    name: {
      type: 'string',
      placeholder: 'N',
      description:
        'import: the name to list it under (default: the folder name; one another model has gets " (2)", said in a note)',
    },
  },
  async run(context): Promise<ModelsResult> {
    const [action = 'list', ...args] = context.positionals;
    const service = context.app().models;
    const one = (what: string): string => {
      if (args.length !== 1) throw new UsageError(`models ${action} needs ${what}; got ${args.length} arguments`);
      return args[0];
    };
    checkOptions(context, action);
    switch (action) {
      case 'list':
      case 'catalog':
        if (args.length > 0) throw new UsageError(`models ${action} takes no arguments`);
        return action === 'list' ? listed(service.list()) : { action, catalog: service.catalog() };
      case 'pull':
        return {
          action,
          ...(await pullWithProgress(context, service, one('a repository id, e.g. google/flan-t5-small'))),
        };
      case 'import':
        return { action, model: await importFolder(context, service, one('a folder'), context.string('name')) };
      case 'show': {
        const model = service.show(fullModelReference(one('a model: an id, name, folder or OWNER/NAME')));
        return { action, model, problem: model.problem?.message ?? null };
      }
      case 'rm':
        // A folder made full as --model's is (model-arg.ts): rm reads ID as every command does.
        return { action, ...service.remove(fullModelReference(one('a model id'))) };
      case 'cache':
        if (args.length === 0) return { action, ...service.cacheUsage() };
        if (args.length === 1 && args[0] === 'rm-scratch')
          return { action: 'cache-rm-scratch', ...service.removeScratch() };
        if (args[0] !== 'rm' || args.length !== 2)
          throw new UsageError('models cache takes nothing, rm REPO_ID, or rm-scratch');
        return { action: 'cache-rm', ...service.removeCached(args[1]) };
      case 'token':
        return { action, ...(await tokenAction(context, service, args)) };
      default:
        throw new UsageError(unknownName('models action', action, ACTIONS));
    }
  },
  render(result) {
    return renderModels(result as ModelsResult);
  },
});

function checkOptions(context: CommandContext, action: string): void {
  if (action !== 'pull' && (context.string('revision') !== undefined || context.flag('offline')))
    throw new UsageError('--revision and --offline go with models pull');
  if (action !== 'import' && context.string('name') !== undefined)
    throw new UsageError('--name goes with models import');
}

async function tokenAction(
  context: CommandContext,
  service: ModelService,
  args: readonly string[],
): Promise<HubTokenStatus> {
  if (args.length === 0) return service.tokenStatus();
  if (args[0] === 'clear' && args.length === 1) return service.setToken(null);
  if (args[0] === 'set' && args.length === 2)
    return service.setToken(await tokenArgument(args[1], { stdin: tokenInput.stdin, signal: context.signal }));
  throw new UsageError(
    'models token takes nothing (show where the token comes from), set TOKEN, set - (TOKEN from standard input), or clear',
  );
}

async function pullWithProgress(context: CommandContext, service: ModelService, repoId: string): Promise<ModelPulled> {
  const revision = context.string('revision');
  const isOffline = context.flag('offline') || undefined;
  // Until the first bytes draw the bar (or on a Hub that does not answer) a line says what it waits for.
  const contacting = (endpoint: string, repo: string, rev: string) =>
    context.status(`Contacting ${endpoint} for ${repo}${rev === 'main' ? '' : `@${rev}`}…`, { force: true });
  return withPullProgress(context, () => service.pull({ repoId, revision, isOffline }, context.signal, contacting));
}

/** Runs `work`, drawing a progress bar on stderr for each Hub pull it makes (`spanfill demo --model` too). */
export async function withPullProgress<T>(context: CommandContext, work: () => Promise<T>): Promise<T> {
  const bars = new Map<string, ProgressBar>();
  const unfinished = new Set<string>();
  const unsubscribe = context.app().events.subscribe((event, payload) => {
    if (event !== 'models.pullProgress') return;
    const p = payload as { repoId: string; bytesDone: number; bytesTotal: number };
    let bar = bars.get(p.repoId);
    if (bar === undefined) bars.set(p.repoId, (bar = context.progress(`Pulling ${p.repoId} (bytes)`, p.bytesTotal)));
    bar.update(p.bytesDone, p.bytesTotal);
    if (p.bytesDone < p.bytesTotal) unfinished.add(p.repoId);
    else unfinished.delete(p.repoId);
  });
  try {
    return await work();
  } catch (error) {
    // Ctrl-C mid-download keeps what arrived (the runner's own line would say nothing was kept).
    const pulling = [...unfinished].join(', ');
    if (!context.signal.aborted || pulling === '') throw error;
    throw new InterruptedError(
      `the download of ${pulling} stopped; what arrived is kept, and pulling it again resumes from there`,
    );
  } finally {
    unsubscribe();
    for (const bar of bars.values()) bar.finish();
  }
}

function describeSource(m: ModelSummary): string {
  const s = m.source;
  if (s.kind === 'hub') return `hub ${s.repoId}@${s.revision} (${s.commit.slice(0, 12)})`;
  if (s.kind === 'folder') return `folder ${s.path}`;
  return `run ${s.runId ?? '-'}`;
}

/** The list, with the models whose folder is damaged. */
function listed(models: readonly ModelSummary[]): ModelsResult {
  const damaged = models.filter((m) => m.problem !== null).map((m) => m.id);
  return { action: 'list', models, damaged };
}

function renderModel(m: ModelSummary, isDamaged = false): string {
  const params = m.parameterCount === null ? '-' : `${(m.parameterCount / 1e6).toFixed(1)}M`;
  const gone = !m.isAvailable
    ? '  (missing on disk)'
    : isDamaged
      ? `  (damaged: \`spanfill models show ${m.id}\` says what)`
      : '';
  return `${m.id}  ${(m.modelType ?? '-').padEnd(4)} ${params.padStart(8)}  ${formatBytes(m.sizeBytes).padStart(10)}  ${m.name}  [${describeSource(m)}]${gone}`;
}

/** The note line of a registered model: numbered, another having its name, or registered already ('' when none). */
const nameNoteLine = (model: ModelRegistered): string =>
  model.nameNote === undefined ? '' : `\n  note: ${model.nameNote}`;

function renderModels(r: ModelsResult): string {
  switch (r.action) {
    case 'list':
      return r.models.length === 0
        ? 'No models yet; `spanfill models catalog` suggests some, `spanfill models pull REPO_ID` downloads one.\n' +
            'The built-in builtin:byt5-tiny is always there and needs no download (`spanfill train --dataset ID --preset quick` trains it).'
        : r.models.map((m) => renderModel(m, r.damaged.includes(m.id))).join('\n');
    case 'show':
      return renderModelDetails(r.model);
    case 'catalog':
      return r.catalog
        .map((c) => {
          const pulled = c.modelId === null ? '' : `  (pulled: ${c.modelId})`;
          const caveat = c.caveat === null ? '' : `\n    note: ${c.caveat}`;
          return `${c.repoId.padEnd(22)} ${`${(c.parameters / 1e6).toFixed(0)}M`.padStart(5)}  ${`~${formatBytes(c.approximateBytes)}`.padStart(11)}  ${c.license}  ${c.description}${pulled}${caveat}`;
        })
        .join('\n');
    case 'pull': {
      const seconds = r.elapsedMs / 1000;
      const speed = r.downloadedBytes > 0 && seconds > 0 ? `, ${formatBytes(r.downloadedBytes / seconds)}/s` : '';
      const how = r.offlineReason
        ? `from the cache, the Hub being out of reach (${r.offlineReason})`
        : r.isFromCache
          ? 'from the cache'
          : `${formatBytes(r.downloadedBytes)} downloaded in ${seconds.toFixed(1)} s${speed}` +
            (r.resumedBytes > 0 ? `, ${formatBytes(r.resumedBytes)} resumed` : '');
      return `Pulled ${how}\n${renderModel(r.model)}\n  ${r.model.path}${nameNoteLine(r.model)}`;
    }
    case 'import':
      return `${r.model.isAlreadyRegistered ? 'Already registered' : 'Imported'}\n${renderModel(r.model)}${nameNoteLine(r.model)}`;
    case 'rm':
      return r.deletedPath === null
        ? `Removed ${r.id} "${r.name}" (its folder was left in place)`
        : `Removed ${r.id} "${r.name}" and its files: ${formatBytes(r.freedBytes)} freed (${r.deletedPath})`;
    case 'cache': {
      const lines = [`Hub cache ${r.root}: ${formatBytes(r.bytes)}`];
      for (const repo of r.repos) {
        const partial = repo.partialBytes > 0 ? `, ${formatBytes(repo.partialBytes)} partial` : '';
        lines.push(
          `  ${repo.repoId.padEnd(30)} ${formatBytes(repo.bytes).padStart(10)}  ${plural(repo.snapshots.length, 'snapshot')}${partial}`,
        );
      }
      const scratch = r.scratch;
      lines.push(
        `From-scratch starting points ${scratch.root}: ${formatBytes(scratch.bytes)} in ${plural(scratch.folders, 'folder')}` +
          (scratch.folders > 0 ? ' (`spanfill models cache rm-scratch` deletes them; runs rebuild their own)' : ''),
      );
      return lines.join('\n');
    }
    case 'cache-rm':
      return `Removed ${r.repoId} from the cache: ${formatBytes(r.freedBytes)} freed${unregisteredNote(r.unregistered)}`;
    case 'cache-rm-scratch':
      return `Deleted ${plural(r.folders, 'from-scratch starting point')}: ${formatBytes(r.freedBytes)} freed`;
    case 'token':
      return `Hub ${r.endpoint}: token ${r.source === 'none' ? 'none (anonymous)' : `from ${r.source === 'env' ? 'HF_TOKEN' : 'the stored file'}`}${r.isOffline ? '; offline (HF_HUB_OFFLINE)' : ''}`;
  }
}

/** The models a cache rm unregistered with its repository, after its line; nothing when none. */
function unregisteredNote(models: CachedRepoRemoved['unregistered']): string {
  if (models.length === 0) return '';
  const named = models.map((m) => `${m.id} "${m.name}"`).join(', ');
  return `; unregistered ${models.length === 1 ? 'model' : 'models'} ${named} with it`;
}
