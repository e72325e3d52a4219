// The plain-word text the e2e files import and train on: `docs` documents of `words` words
// each from one short vocabulary, blank-line separated, document d's word w at index
// d·stride + 3w (so documents differ): enough examples for tiny runs at input length 32.

import fs from 'node:fs';

const VOCABULARY = 'the cute dog walks in a green park by the quiet river at dawn while small birds sing'.split(' ');

export function writeNotes(file: string, shape: { docs: number; words: number; stride: number }): void {
  const docs = Array.from({ length: shape.docs }, (_, d) =>
    Array.from({ length: shape.words }, (_, w) => VOCABULARY[(d * shape.stride + w * 3) % VOCABULARY.length]).join(' '),
  );
  fs.writeFileSync(file, docs.join('\n\n') + '\n');
}
