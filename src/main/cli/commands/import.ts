// `spanfill import FILE_OR_DIR…`: import text files (.txt .md .jsonl .csv .tsv, folders
// recursively) as one dataset, with a progress bar and Ctrl-C cancel that leaves the store
// as it was. The work is app.datasets.import (services/datasetImport.ts over engine/data/import.ts).

import path from 'node:path';
import type { DatasetSummary } from '../../../shared/contract/datasets';
import { datasetCalls } from '../../../shared/contract/datasets';
import { plural } from '../../../shared/format';
import { SPLIT_MODES } from '../../engine/data/documents';
import { DEFAULT_VALIDATION_FRACTION } from '../../engine/data/split';
import { defineCommand, UsageError, type CommandContext } from '../command';
import type { DatasetImportRequest } from '../../services/datasetImport';
import { choiceOption, intervalText, numberText } from '../options';
import { formatPairs, localTimestamp } from '../output';
import { withStandardInput } from './datasets-stdin';

/** The import call's validationFraction, whose bounds --validation takes and its help states. */
const validationSchema = datasetCalls.import.args.shape.validationFraction.unwrap();
const VALIDATION_RANGE = intervalText(validationSchema);

function fractionOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = numberText(raw);
  if (value === undefined || !validationSchema.safeParse(value).success)
    throw new UsageError(`--validation must be a number in ${VALIDATION_RANGE}, got '${raw}'`);
  return value;
}

export const importCommand = defineCommand({
  name: 'import',
  takesArguments: true,
  summary: 'Import text files or folders as a dataset',
  usage:
    'spanfill import FILE_OR_DIR…|- [--name N] [--field F] [--column C] [--split whole|blank-line|line] [--nfkc] [--collapse-whitespace] [--validation FRACTION]',
  description:
    'Reads .txt/.md (split at blank lines by default; a Markdown heading stays with the paragraph under it),\n' +
    '.jsonl (one document per line: its --field, default "text", or the line itself when it is a JSON\n' +
    'string) and .csv/.tsv (one document per row, --column, default "text"; a .csv is read with the\n' +
    'delimiter its header line has most of: commas, semicolons (as Excel writes it in many locales) or\n' +
    'tabs, or the one an Excel `sep=X` first line names); folders are walked recursively.\n' +
    'UTF-8 with or without BOM, UTF-16 with BOM, and Western European text in Latin-1 or Windows-1252\n' +
    '(a file that is not UTF-8 and has few bytes above 0x7F; a note says so). Exact duplicate documents\n' +
    "are dropped and counted. A Markdown file's front matter (a --- or +++ block of title, date, tags\n" +
    'at its top) is left out, with a note.\n' +
    '- reads plain text from standard input (`cat notes.txt | spanfill import - --name notes`), which\n' +
    'needs --name; a file named - is ./-.\n' +
    'Ctrl-C cancels and leaves nothing behind but a note of how it ended, for an app open on the same\n' +
    'data directory (kept 10 minutes).',
  options: {
    name: {
      type: 'string',
      placeholder: 'N',
      description: 'Dataset name (default: the first file name; one another dataset has gets " (2)", said in a note)',
    },
    field: { type: 'string', placeholder: 'F', description: 'JSONL field holding the text (dotted paths allowed)' },
    column: { type: 'string', placeholder: 'C', description: 'CSV/TSV column holding the text' },
    split: { type: 'string', placeholder: 'S', description: 'Documents: whole (file/record), blank-line or line' },
    nfkc: { type: 'boolean', description: 'Unicode NFKC normalisation' },
    'collapse-whitespace': { type: 'boolean', description: 'Collapse runs of spaces and blank lines' },
    validation: {
      type: 'string',
      placeholder: 'FRACTION',
      description: `Held-out share, in ${VALIDATION_RANGE} (default ${DEFAULT_VALIDATION_FRACTION})`,
    },
  },
  async run(context) {
    if (context.positionals.length === 0) throw new UsageError('import needs at least one file or folder');
    // Every flag checked before standard input is read (`import -`), which may take long.
    const options = {
      name: context.string('name'),
      field: context.string('field'),
      column: context.string('column'),
      split: choiceOption('split', context.string('split'), SPLIT_MODES),
      nfkc: context.flag('nfkc'),
      collapseWhitespace: context.flag('collapse-whitespace'),
      validationFraction: fractionOption(context.string('validation')),
    };
    return withStandardInput(context.positionals, options.name, context.signal, (paths, namedAs) =>
      // As the person means them: from the folder the command runs in (the service takes full paths only).
      importWithProgress(context, { ...options, paths: paths.map((given) => path.resolve(given)), namedAs }),
    );
  },
  render(result) {
    return renderDataset(result as DatasetSummary);
  },
});

/** The import, with a progress bar on a terminal. */
async function importWithProgress(context: CommandContext, request: DatasetImportRequest): Promise<DatasetSummary> {
  const app = context.app();
  const bar = context.progress('Importing', null);
  const unsubscribe = app.events.subscribe((event, payload) => {
    if (event !== 'datasets.importProgress') return;
    const p = payload as { done: number; total: number | null };
    bar.update(Math.round(p.done / 1048576), p.total === null ? null : Math.max(1, Math.round(p.total / 1048576)));
  });
  try {
    return await app.datasets.import(request, context.signal);
  } finally {
    unsubscribe();
    bar.finish();
  }
}

/**
 * `text` (a path, a note naming one) on one line: a line break or tab in a file's name written
 * \n, \t, as the CLI's output writes other control characters (output.ts visibleControls, which
 * keeps them in text that has lines of its own).
 */
const oneLine = (text: string): string => text.replaceAll('\n', '\\n').replaceAll('\t', '\\t');

/**
 * A dataset's summary, one pair a line, then its notes. `withTokenCounts` false leaves out the
 * counts kept for each tokenizer it was tokenized for (`datasets show --model` says the count
 * for the one it was asked, with its documents, on a line of its own).
 */
export function renderDataset(ds: DatasetSummary, { withTokenCounts = true } = {}): string {
  const s = ds.stats;
  const count = (n: number): string => n.toLocaleString('en');
  const pairs: [string, string][] = [
    ['Dataset', `${ds.id}  ${oneLine(ds.name)}`],
    ['Status', ds.status],
    // An import kept as failed (its page went before it failed): why, as the screens say it.
    ...(ds.error === undefined ? [] : [['Failed', ds.error.replace(/\s*\n\s*/g, ' ')] as [string, string]]),
    ['Source', oneLine(ds.sourcePath)],
    ['Imported', localTimestamp(ds.createdAt)],
  ];
  if (s !== null) {
    pairs.push(
      [
        'Documents',
        `${count(s.documents)} (${plural(s.duplicatesDropped, 'duplicate')} and ${count(s.emptyDropped)} empty dropped)`,
      ],
      ['Characters', count(s.characters)],
      ['Bytes', count(s.bytes)],
      [
        'Split',
        s.split.isSelfValidation
          ? '1 document, used for both training and validation'
          : `${count(s.split.trainDocuments)} train / ${count(s.split.validationDocuments)} validation`,
      ],
    );
    if (withTokenCounts)
      for (const t of Object.values(s.tokens ?? {})) pairs.push(['Tokens', `${count(t.tokens)} (${t.tokenizer})`]);
  }
  const lines = [formatPairs(pairs)];
  for (const note of [...(s?.warnings ?? []), ...(s?.split.message ? [s.split.message] : [])])
    lines.push(`  note: ${oneLine(note)}`);
  return lines.join('\n');
}
