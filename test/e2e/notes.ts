// The plain-word text the e2e files import and train on: `docs` documents of `words` words
// each from one short vocabulary, blank-line separated, document d's word w at index
// d·stride + 3w (so documents differ): enough examples for tiny runs at input length 32. And
// such a file written into an e2e session's folder and imported with the CLI, as a person would.

import fs from 'node:fs';
import path from 'node:path';
import { spanfillJson } from './serve';

/** The shape most e2e files train on: enough for a few hundred examples at input length 32. */
const TRAINING_NOTES = { docs: 40, words: 50, stride: 7 };

const VOCABULARY = 'the cute dog walks in a green park by the quiet river at dawn while small birds sing'.split(' ');

export function writeNotes(file: string, shape: { docs: number; words: number; stride: number }): void {
  const docs = Array.from({ length: shape.docs }, (_, d) =>
    Array.from({ length: shape.words }, (_, w) => VOCABULARY[(d * shape.stride + w * 3) % VOCABULARY.length]).join(' '),
  );
  fs.writeFileSync(file, docs.join('\n\n') + '\n');
}

/** Writes `notes.txt` into the session's folder and imports it (`spanfill import`): the dataset's id. */
export function importNotes(
  session: { readonly dir: string; readonly dataDir: string },
  shape = TRAINING_NOTES,
): string {
  const notes = path.join(session.dir, 'notes.txt');
  writeNotes(notes, shape);
  return spanfillJson<{ id: string }>(session.dataDir, ['import', notes]).id;
}
