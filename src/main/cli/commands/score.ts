// `spanfill score --model DIR --case FILE`: loss and per-parameter gradient norms of a case
// (dropout off) and a greedy decode, for checking a model against a reference. This file
// parses flags and prints; the call is the contract's playground.score, run by the playground
// service in the engine host (engine/t5/case.ts).

import type { PlaygroundScoreResult } from '../../../shared/contract/playground';
import { defineCommand, UsageError } from '../command';
import path from 'node:path';
import { withModelFromFlags } from '../model-arg';

export const scoreCommand = defineCommand({
  name: 'score',
  summary: 'Loss, gradient norms and a greedy decode of a T5 model on a case file',
  usage: 'spanfill score (--model DIR | --run ID [--checkpoint best|last|STEP]) --case FILE',
  description:
    'DIR is a Hugging Face T5 folder (config.json + model.safetensors). FILE is JSON with\n' +
    'input_ids, attention_mask and labels (rows of ids, -100 ignored) and optionally\n' +
    'greedy {input_ids (one row), attention_mask, max_new_tokens (1 to 512, default 20)};\n' +
    'the format of test/fixtures/t5/*/case.json.',
  options: {
    model: { type: 'string', placeholder: 'DIR', description: 'Hugging Face T5 model folder' },
    case: { type: 'string', placeholder: 'FILE', description: 'Case file (JSON)' },
    run: {
      type: 'string',
      placeholder: 'ID',
      description: "A training run's checkpoint instead of --model (run id or name)",
    },
    checkpoint: { type: 'string', placeholder: 'C', description: 'With --run: best (default), last or a step' },
  },
  async run(context) {
    const casePath = context.string('case');
    if (!casePath) throw new UsageError('score needs --case FILE (and --model DIR or --run ID)');
    const file = path.resolve(casePath);
    return withModelFromFlags(
      context,
      'score',
      (modelDir) => context.app().playground.score({ modelDir, case: file }, { signal: context.signal }),
      // A bad case file is said before a run's checkpoint is looked for and named.
      () => context.app().playground.checkCase(file),
    );
  },
  render(result) {
    const { loss, grad_norms: norms, greedy } = result as PlaygroundScoreResult;
    const width = Math.max(...Object.keys(norms).map((n) => n.length));
    const lines = [`loss    ${loss}`, `greedy  ${greedy.join(' ')}`, 'gradient norms:'];
    for (const [name, norm] of Object.entries(norms)) lines.push(`  ${name.padEnd(width)}  ${norm.toPrecision(6)}`);
    return lines.join('\n');
  },
});
