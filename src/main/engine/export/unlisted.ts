// The files each format's export wrote before exports listed them in spanfill-export.json
// (850f9e95, 2026-12-05): a folder without that list holding every file one format's export
// always wrote is likely an earlier Spanfill's export (or another tool's: save_pretrained writes
// the hf files), perhaps with files added since (an accelerate job's checkpoints/), and its
// refusal says so rather than that it is no export. It is still refused: with no list, Spanfill
// cannot tell its files from a user's. Not the rules themselves (destination.ts).
// Reference: the writers at 850f9e95^ (hf.ts, transformersjs.ts, accelerate.ts); hf.ts and
// transformersjs.ts still write these files.
import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TOKENIZER_FILES } from '../data/tokenizer';
import { isFinderFile } from './finder';

/** The files one format's export wrote (paths with /): always, and depending on the model or options. */
interface ExportLayout {
  /** The format with its article, as the refusal says it: 'an hf'. */
  readonly what: string;
  readonly always: readonly string[];
  readonly maybe: readonly string[];
}

const HF_ALWAYS = ['config.json', 'generation_config.json', 'model.safetensors'];
const GRAPHS = ['encoder_model', 'decoder_model_merged'].flatMap((name) =>
  ['', '_quantized'].map((suffix) => `onnx/${name}${suffix}.onnx`),
);

const LAYOUTS: readonly ExportLayout[] = [
  { what: 'an hf', always: HF_ALWAYS, maybe: TOKENIZER_FILES },
  {
    what: 'a transformers.js',
    always: ['config.json', 'generation_config.json', 'tokenizer.json', GRAPHS[0], GRAPHS[2]],
    // int8 graphs (--quantize int8); external data beside a graph past 2 GiB of weights.
    maybe: [...TOKENIZER_FILES, ...GRAPHS, ...GRAPHS.map((graph) => `${graph}_data`)],
  },
  {
    what: 'an accelerate',
    always: [
      'README.md',
      'train.py',
      'run_config.json',
      'data/train.jsonl',
      'data/validation.jsonl',
      ...HF_ALWAYS.map((name) => `base_model/${name}`),
    ],
    maybe: TOKENIZER_FILES.map((name) => `base_model/${name}`),
  },
];

/**
 * What `dir` holds beside `layout`'s files (paths with /; `top`: its entries that count), a link
 * or a folder of the user's named at its own level; undefined where it lacks a file the export
 * always wrote. It reads into one of the layout's folders only where the top level holds every
 * top-level name the export always wrote (a home folder's data/ is not listed for its name alone).
 */
function addedTo(dir: string, top: readonly Dirent[], layout: ExportLayout): string[] | undefined {
  const paths = [...layout.always, ...layout.maybe];
  const topNames = top.map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
  const needed = new Set(layout.always.map((path) => path.replace(/\/.*$/, '/')));
  if (![...needed].every((name) => topNames.includes(name))) return undefined;
  const files: string[] = [];
  const added: string[] = [];
  const sort = (entry: Dirent, path: string): void => {
    if (isFinderFile(entry.name)) return; // opened in Finder, at any depth
    if (entry.isFile() && paths.includes(path)) files.push(path);
    else if (entry.isDirectory() && paths.some((p) => p.startsWith(`${path}/`)))
      for (const inner of readdirSync(join(dir, path), { withFileTypes: true })) sort(inner, `${path}/${inner.name}`);
    else added.push(entry.isDirectory() ? `${path}/` : path);
  };
  for (const entry of top) sort(entry, entry.name);
  return layout.always.every((file) => files.includes(file)) ? added : undefined;
}

/** An unlisted export's format (with its article: 'an hf'), and what was added to it (names with /). */
export interface UnlistedExport {
  readonly what: string;
  readonly added: readonly string[];
}

/**
 * The format whose export `dir` looks like: it holds every file that export always wrote; `added`
 * names what it holds that the export never wrote (an accelerate job's checkpoints/, say). The
 * layout with the least added wins; undefined when no format's.
 */
export function unlistedExportOf(dir: string, top: readonly Dirent[]): UnlistedExport | undefined {
  const found = LAYOUTS.flatMap((layout) => {
    const added = addedTo(dir, top, layout);
    return added === undefined ? [] : [{ what: layout.what, added }];
  });
  return found.sort((a, b) => a.added.length - b.added.length)[0];
}
