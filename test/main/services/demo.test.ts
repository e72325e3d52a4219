// runDemo's held-out prompts (a ten-step run on the t5-tiny-spm fixture; `spanfill demo` end to end
// is test/main/cli/commands/demo.test.ts): a sentence is masked with the EOS after it, as HF masks
// a text, and a mask ends in noise, so the last hole of a sentence that fits the input hides that
// </s>. The model fills text, not </s>: the true words and the sentence shown are as written.
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../../src/main/services/demo';
import { heldOutSentences } from '../../../src/main/resources';
import { SPM } from '../cli/commands/train-support';
import { runsServiceKit } from './runs-support';

const kit = runsServiceKit();

describe('runDemo', () => {
  it('scores each hole against its words as written, without the end of the sentence', async () => {
    const app = kit.open(kit.tempDir());
    const result = await runDemo(app, { model: SPM, steps: 10, prompts: 3 });
    const sentences = heldOutSentences();
    const whole = result.prompts.filter((p) => sentences.includes(p.sentence));
    // Some sentence fits the input whole (its last hole is at its end): the case in question.
    expect(whole.length).toBeGreaterThan(0);
    for (const prompt of whole) {
      const last = prompt.spans.at(-1)!;
      expect(prompt.prompt.endsWith(last.sentinel)).toBe(true);
      expect(prompt.sentence.endsWith(last.truth)).toBe(true);
    }
    for (const prompt of result.prompts) {
      expect(prompt.sentence).not.toContain('</s>');
      for (const span of prompt.spans) expect(span.truth).not.toContain('</s>');
    }
  }, 60_000);
});
