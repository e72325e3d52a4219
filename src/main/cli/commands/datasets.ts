// `spanfill datasets [list | show ID | rename ID NAME | rm ID]`: the datasets in the store, one
// in detail (stats and the first documents), a new name for one (as the Datasets screen's
// Rename), or removing one with its token caches. NOTE: rm asks no
// question (scripts run it); it names what it deleted so a wrong id is noticed at once, and the
// runs on it that can no longer be resumed (the Datasets screen's Remove question says so before).

import type { DatasetDetail, DatasetRemoved, DatasetSummary, TokenizeResult } from '../../../shared/contract/datasets';
import { datasetCalls, unresumableRunsNote } from '../../../shared/contract/datasets';
import { MASKING_DEFAULTS } from '../../../shared/contract/masking';
import { STARTING_INPUT_LENGTH, STARTING_PRESET } from '../../../shared/contract/startingRun';
import { unknownName } from '../argErrors';
import { checkedArgs } from '../options';
import { chosenDataDir } from '../nextCommand';
import { withDataDir } from '../../../shared/commandText';
import { unwrapEnvelope } from '../../../shared/errors';
import { defineCommand, UsageError } from '../command';
import { renderDataset } from './import';
import { fullModelReference } from '../model-arg';
import { withTokenizingProgress } from './mask';
import { localTimestamp } from '../output';
import { clipText, diskGivenBack, plural } from '../../../shared/format';
import { datasetTokenNotes } from '../../../shared/tokenNotes';
import { shownNumber } from '../../../shared/shownNumber';

/** Why the estimate's input length is what it is when --length is not given. */
const DEFAULT_LENGTH_WHY = `a new run's at the ${STARTING_PRESET} preset, where the Train form and the Datasets screen start`;

type DatasetsResult =
  | { readonly action: 'list'; readonly datasets: readonly DatasetSummary[] }
  | {
      readonly action: 'show';
      readonly dataset: DatasetDetail;
      readonly tokens?: TokenizeResult;
      /** The estimate is at the default input length (no --length given). */
      readonly isDefaultLength?: boolean;
    }
  | { readonly action: 'rename'; readonly dataset: DatasetSummary }
  | ({ readonly action: 'rm' } & DatasetRemoved);

const DATASETS_ACTIONS = ['list', 'show', 'rename', 'rm'] as const;
const isDatasetsAction = (word: string): word is (typeof DATASETS_ACTIONS)[number] =>
  (DATASETS_ACTIONS as readonly string[]).includes(word);

export const datasetsCommand = defineCommand({
  name: 'datasets',
  takesArguments: true,
  summary: 'List datasets, show, rename or remove one',
  usage: 'spanfill datasets [list | show ID [--model DIR|ID|bytes] [--length L] | rename ID NAME | rm ID]',
  description:
    'list shows the newest dataset first. ID may also be a name that only one dataset has.\n' +
    "show lists the first documents numbered from 1 (#1 is the first; --json's dataset.sample[].ordinal counts from 0).\n" +
    'show --model counts the tokens for that tokenizer (building its token cache) and estimates the ' +
    `training examples per epoch at input length --length (default ${STARTING_INPUT_LENGTH}: ${DEFAULT_LENGTH_WHY}; ` +
    `noise ${MASKING_DEFAULTS.noiseDensity}, span ${MASKING_DEFAULTS.meanSpanLength}); --length without ` +
    '--model counts with bytes, the tokenizer a run and mask use by default.',
  options: {
    model: {
      type: 'string',
      placeholder: 'DIR',
      description:
        'show: count tokens with the tokenizer of this model folder, model id or pulled OWNER/NAME, or "bytes"',
    },
    length: {
      type: 'string',
      placeholder: 'L',
      description: `show: input length for the example estimate (default ${STARTING_INPUT_LENGTH})`,
    },
  },
  async run(context): Promise<DatasetsResult> {
    const [action = 'list', id, ...extra] = context.positionals;
    if (action === 'import' || action === 'add')
      throw new UsageError(`importing is a command of its own: spanfill import FILE|FOLDER…`);
    if (!isDatasetsAction(action)) throw new UsageError(unknownName('datasets action', action, DATASETS_ACTIONS));
    // Refused where they do nothing, as runs and models refuse theirs (list and rename ignored them).
    if (action !== 'show' && (context.string('model') !== undefined || context.string('length') !== undefined))
      throw new UsageError(`--model and --length go with datasets show, not datasets ${action}`);
    const service = context.app().datasets;
    if (action === 'rename') {
      if (id === undefined || extra.length !== 1)
        throw new UsageError('datasets rename needs a dataset id and one new name (quote a name with spaces)');
      const args = { id: service.idOf(id), name: extra[0] };
      checkedArgs(datasetCalls.rename.args, args);
      const envelope = await context.app().call('datasets.rename', args);
      return { action, dataset: unwrapEnvelope(envelope) as DatasetSummary };
    }
    if (extra.length > 0) throw new UsageError(`datasets ${action}: unexpected '${extra.join(' ')}'`);
    if (action === 'list') {
      if (id !== undefined) throw new UsageError(`datasets list takes no id; did you mean 'datasets show ${id}'?`);
      // Newest first, as on the Datasets screen and in the text below (the service lists them oldest first).
      return { action, datasets: [...service.list()].reverse() };
    }
    if (id === undefined) throw new UsageError(`datasets ${action} needs a dataset id`);
    const datasetId = service.idOf(id);
    if (action === 'rm') return { action, ...service.remove(datasetId) };
    const model = context.string('model');
    const inputLength = context.integer('length', { min: 4, max: 65_536 });
    // Shown exactly (cli/run.ts REPEATS_CONTENT: documents), so its notes name the data directory here.
    const dataset = notesNamingDataDir(service.get(datasetId), chosenDataDir(context));
    // An estimate at a length needs tokens: without --model, those of bytes, the default elsewhere too.
    const tokenizer = model ?? (inputLength === undefined ? undefined : 'bytes');
    if (tokenizer === undefined) return { action, dataset };
    const app = context.app();
    const source = fullModelReference(tokenizer);
    const tokens = await withTokenizingProgress(context, app, () =>
      service.tokenize(datasetId, source, inputLength, context.signal),
    );
    return { action, dataset, tokens, ...(inputLength === undefined ? { isDefaultLength: true } : {}) };
  },
  render(result) {
    const r = result as DatasetsResult;
    if (r.action === 'rm') {
      const what = `${plural(r.documents, 'document')} and ${plural(r.tokenCaches, 'token cache')}`;
      const runs = unresumableRunsNote(r.unresumableRuns);
      return `Removed ${r.id} "${r.name}": ${what}${diskGivenBack(r.freedBytes)}${runs === undefined ? '' : `\n${runs}`}`;
    }
    if (r.action === 'rename') return `Renamed ${r.dataset.id} to "${r.dataset.name}"`;
    if (r.action === 'show') {
      const lines = [renderDataset(r.dataset, { withTokenCounts: r.tokens === undefined })];
      if (r.tokens) lines.push(...renderTokens(r.tokens, r.isDefaultLength === true));
      lines.push('', 'First documents:');
      for (const d of r.dataset.sample)
        lines.push(
          `  #${shownNumber(d.ordinal)} (${plural(d.chars, 'char')}) ${JSON.stringify(clipText(d.text, 200))}`,
        );
      return lines.join('\n');
    }
    if (r.datasets.length === 0) return 'No datasets yet; `spanfill import FILE` adds one.';
    return r.datasets
      .map(
        (d) =>
          `${d.id}  ${d.status.padEnd(9)}  ${localTimestamp(d.createdAt)}  ${(d.stats?.documents.toLocaleString('en') ?? '-').padStart(9)} docs  ${d.name}`,
      )
      .join('\n');
  },
});

/**
 * `dataset` with the commands in its stored notes (warnings, the split's message) ending with
 * `--data-dir DIR` when the data directory was chosen, as the import printed them (withDataDir):
 * they are Spanfill's messages, not the dataset's text, whose documents stay as they are.
 */
function notesNamingDataDir(dataset: DatasetDetail, dataDir: string | undefined): DatasetDetail {
  const stats = dataset.stats;
  if (stats === null || dataDir === undefined) return dataset;
  const { message } = stats.split;
  return {
    ...dataset,
    stats: {
      ...stats,
      warnings: stats.warnings.map((warning) => withDataDir(warning, dataDir)),
      split: { ...stats.split, message: message === null ? null : withDataDir(message, dataDir) },
    },
  };
}

function renderTokens(t: TokenizeResult, isDefaultLength: boolean): string[] {
  const lines = [
    `Tokenized   ${plural(t.tokens, 'token')} in ${plural(t.documents, 'document')} (${t.tokenizer}${t.isCached ? ', cached' : ''})`,
  ];
  for (const note of datasetTokenNotes(t)) lines.push(`  note: ${note}`);
  const e = t.estimate;
  if (e) {
    const examples = e.mode === 'packed' ? e.packedExamples : e.perDocumentExamples;
    lines.push(
      `Examples    ${examples.toLocaleString('en')} per epoch at input length ${e.inputLength} (${e.mode}; ${e.tokensLength} raw tokens, target ${e.targetLength})`,
    );
    if (isDefaultLength)
      lines.push(
        `  note: input length ${e.inputLength} is the default (${DEFAULT_LENGTH_WHY}); --length L for another`,
      );
    for (const m of e.messages) lines.push(`  note: ${m}`);
  }
  return lines;
}
