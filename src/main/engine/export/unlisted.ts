// The files each format's export wrote before exports listed them in spanfill-export.json
// (850f9e95, 2026-12-05): a folder without that list holding just one format's files, nothing
// else, is likely an earlier Spanfill's export (or another tool's: save_pretrained writes the
// hf files), and its refusal says so rather than that it is no export. It is still refused: with
// no list, Spanfill cannot tell its files from a user's. Not the rules themselves (destination.ts).
// Reference: the writers at 850f9e95^ (hf.ts, transformersjs.ts, accelerate.ts); hf.ts and
// transformersjs.ts still write these files.

import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TOKENIZER_FILES } from '../data/tokenizer';

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
 * The files under `dir` (paths with /; `top`: its entries that count), reading into a folder
 * only once every top-level name is one `layout` has (a home folder's data/ is never listed);
 * undefined when it holds anything else (a folder of its own, a link).
 */
function filesAlong(dir: string, top: readonly Dirent[], layout: ExportLayout): string[] | undefined {
  const paths = [...layout.always, ...layout.maybe];
  const isLaidOut = (entry: Dirent): boolean =>
    entry.isFile()
      ? paths.includes(entry.name)
      : entry.isDirectory() && paths.some((path) => path.startsWith(`${entry.name}/`));
  if (!top.every(isLaidOut)) return undefined;
  const files: string[] = [];
  for (const entry of top) {
    if (entry.isFile()) files.push(entry.name);
    else
      for (const inner of readdirSync(join(dir, entry.name), { withFileTypes: true })) {
        if (!inner.isFile()) return undefined;
        files.push(`${entry.name}/${inner.name}`);
      }
  }
  return files;
}

/**
 * The format (with its article: 'an hf') whose export `dir` looks like: it holds every file that
 * export always wrote and nothing it never wrote; undefined when no format's.
 */
export function unlistedExportOf(dir: string, top: readonly Dirent[]): string | undefined {
  for (const layout of LAYOUTS) {
    const files = filesAlong(dir, top, layout);
    if (files === undefined) continue;
    const isWritten = (file: string): boolean => layout.always.includes(file) || layout.maybe.includes(file);
    if (files.every(isWritten) && layout.always.every((file) => files.includes(file))) return layout.what;
  }
  return undefined;
}
