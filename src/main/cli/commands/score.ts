// `spanfill score --model DIR --case FILE`: loss and per-parameter gradient norms of a case
// (dropout off) and a greedy decode, for checking a model against a reference. The work is
// engine/t5/cli.ts scoreModelCase; this file parses flags and maps errors.

import type { ScoreOutput } from '../../engine/t5/cli';
import { ApiError } from '../../../shared/errors';
import { isT5InputError, scoreModelCase } from '../../engine/t5/cli';
import { defineCommand, UsageError } from '../command';
import { resolveModelArgument } from '../model-arg';

export const scoreCommand = defineCommand({
  name: 'score',
  summary: 'Loss, gradient norms and a greedy decode of a T5 model on a case file',
  usage: 'spanfill score --model DIR --case FILE [--json]',
  description:
    'DIR is a Hugging Face T5 folder (config.json + model.safetensors). FILE is JSON with\n' +
    'input_ids, attention_mask and labels (rows of ids, -100 ignored) and optionally\n' +
    'greedy {input_ids, max_new_tokens}; the format of test/fixtures/t5/*/case.json.',
  options: {
    model: { type: 'string', placeholder: 'DIR', description: 'Hugging Face T5 model folder' },
    case: { type: 'string', placeholder: 'FILE', description: 'Case file (JSON)' },
  },
  async run(context) {
    const model = context.string('model');
    const casePath = context.string('case');
    if (!model || !casePath) throw new UsageError('score needs --model DIR and --case FILE');
    try {
      return await scoreModelCase(resolveModelArgument(context, model), casePath);
    } catch (error) {
      throw isT5InputError(error) ? new ApiError('invalid_argument', error.message) : error;
    }
  },
  render(result) {
    const { loss, grad_norms: norms, greedy } = result as ScoreOutput;
    const width = Math.max(...Object.keys(norms).map((n) => n.length));
    const lines = [`loss    ${loss}`, `greedy  ${greedy.join(' ')}`, 'gradient norms:'];
    for (const [name, norm] of Object.entries(norms)) lines.push(`  ${name.padEnd(width)}  ${norm.toPrecision(6)}`);
    return lines.join('\n');
  },
});
