// `spanfill fill`'s text output (src/main/cli/commands/fill.ts render): each hole on its own
// line as the model filled it, a hole the model wrote only blanks in (which the prompt's own
// beside it stand for) said as such, as the Playground says "(spaces only)", not as an empty fill.
import { describe, expect, it } from 'vitest';
import { fillCommand } from '../../../../src/main/cli/commands/fill';
import { fillSentinels } from '../../../../src/main/engine/t5/sentinels';

/** The text output of a fill of `prompt` whose model wrote `output`, the spans as the engine fits them. */
function rendered(prompt: string, output: string): string[] {
  const filled = fillSentinels(prompt, output);
  const result = { prompt, output, text: filled.text, marked: filled.marked, spans: filled.spans, notes: [] };
  return String(fillCommand.render?.(result as never)).split('\n');
}

describe('spanfill fill (text output)', () => {
  it('says a hole of blanks only apart from one the model wrote nothing in', () => {
    const lines = rendered(
      'woke <extra_id_0> on <extra_id_1> the <extra_id_2> day',
      '<extra_id_0> <extra_id_1><extra_id_2> new</s>',
    );
    expect(lines.slice(2)).toEqual([
      '  <extra_id_0>  "" (spaces only: the prompt has its own beside the hole)',
      '  <extra_id_1>  ""',
      '  <extra_id_2>  "new"',
    ]);
  });
});
