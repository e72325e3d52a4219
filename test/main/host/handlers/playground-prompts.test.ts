// Bad prompts through the engine host's playground.fill, as the UI and the CLI reach it: empty,
// without a hole, with a sentinel beyond the tokenizer's 100 or not a sentinel at all, lone
// UTF-16 surrogates, huge, many sentinels — each answered invalid_input with a message that
// says what is wrong and how to write a masked prompt (or gives the length limit) — plus
// control characters and seeded random prompts, which either fill every hole or get such an
// answer. t5-tiny-spm has <extra_id_0> … <extra_id_99>.

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { playgroundHostHandlers } from '../../../../src/main/host/handlers/playground';
import type { HostContext } from '../../../../src/main/host/handler';
import type { PlaygroundFillResult } from '../../../../src/shared/contract/playground';
import { Rng } from '../../../../src/main/engine/rng';
import { loadT5Config } from '../../../../src/main/engine/t5/config';
import { maxInputTokens } from '../../../../src/main/engine/t5/input-limits';

const SPM = path.join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const context: HostContext = { signal: new AbortController().signal, emit: () => undefined };
const handler = playgroundHostHandlers['playground.fill'];
if (handler === undefined) throw new Error('playground.fill is not registered');
const fillHandler = handler;

type Filled = PlaygroundFillResult;

function fill(prompt: string, maxNewTokens = 4): Promise<Filled> {
  return fillHandler({ modelDir: SPM, prompt, strategy: { kind: 'greedy' }, maxNewTokens }, context);
}

async function refusal(prompt: string): Promise<string> {
  let thrown: unknown;
  try {
    await fill(prompt);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `accepted ${JSON.stringify(prompt.slice(0, 60))}`).toMatchObject({ code: 'invalid_input' });
  return (thrown as Error).message;
}

const HOW_TO = 'this tokenizer has <extra_id_0> to <extra_id_99>), e.g. "The <extra_id_0> walks in <extra_id_1> park"';

describe('playground.fill refuses prompts it cannot fill, saying how to write one', () => {
  it('an empty or blank prompt', async () => {
    for (const prompt of ['', '  \n\t '])
      expect(await refusal(prompt)).toBe(
        `The prompt is empty. Write the text with <extra_id_0>, <extra_id_1>, … where spans are missing (${HOW_TO}.`,
      );
  });

  it('a prompt with no <extra_id_N> hole', async () => {
    expect(await refusal('The dog walks in the park')).toContain(`The prompt has no <extra_id_N> hole to fill.`);
    expect(await refusal('The dog walks in the park')).toContain(HOW_TO);
  });

  it('a sentinel beyond the tokenizer, or something that only looks like one', async () => {
    expect(await refusal('The <extra_id_99999> walks')).toBe(
      `<extra_id_99999> in the prompt is beyond the 100 sentinels of t5-tiny-spm. Write the text with <extra_id_0>, <extra_id_1>, … where spans are missing (${HOW_TO}.`,
    );
    expect(await refusal('The <extra_id_0> walks in <extra_id_100> park')).toContain(
      '<extra_id_100> in the prompt is beyond',
    );
    expect(await refusal('The <extra_id_007> walks')).toContain('<extra_id_007> in the prompt is not a sentinel');
    expect(await refusal('The <extra_id_x> walks')).toContain('<extra_id_x> in the prompt is not a sentinel');
  });

  it("names a run's checkpoint by its run and step, not by its folder", async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'spanfill-prompts-'));
    try {
      const checkpoint = path.join(data, 'runs', 'r-1a2b3c4d', 'checkpoints', 'step-00000300');
      // The linked copy `spanfill fill --run` reads a checkpoint through (services/runsCheckpointReaders.ts).
      const copy = path.join(data, 'readers', 'r-1a2b3c4d.step-00000300.42.1700000000000-Ab3xYz', 'step-00000300');
      for (const modelDir of [checkpoint, copy]) {
        cpSync(SPM, modelDir, { recursive: true });
        const request = {
          modelDir,
          prompt: 'a <extra_id_150> b',
          strategy: { kind: 'greedy' as const },
          maxNewTokens: 4,
        };
        await expect(fillHandler(request, context)).rejects.toMatchObject({
          code: 'invalid_input',
          message: expect.stringMatching(
            /^<extra_id_150> in the prompt is beyond the 100 sentinels of run r-1a2b3c4d's checkpoint at step 300\. /,
          ),
        });
      }
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('the last sentinel, <extra_id_99>, is accepted', async () => {
    const filled = await fill('The <extra_id_99> walks');
    expect(filled.spans.map((s) => s.sentinel)).toEqual([99]);
  });

  it('a lone UTF-16 surrogate, naming its position', async () => {
    expect(await refusal('The \ud800 <extra_id_0> walks')).toBe(
      'The prompt is not valid text: character 4 is half of a UTF-16 surrogate pair (U+D800) without its other half. Remove it or fix the encoding.',
    );
    expect(await refusal('<extra_id_0> walks \udc00')).toContain('character 19');
  });

  it('prompts over the token limit (many sentinels, a 128 KB text) give the limit', async () => {
    const limit = maxInputTokens(loadT5Config(SPM));
    expect(limit).toBe(2048);
    expect(await refusal('<extra_id_0> '.repeat(10_000))).toBe(
      'The prompt is 10,001 tokens long; this model takes at most 2,048 tokens per input (T5 was trained on inputs of up to 512–2,048 tokens, and attention memory grows with the square of the length). Shorten it, or split it into several inputs.',
    );
    const big = 'The <extra_id_0> walks in the park. '.repeat(3700);
    expect(big.length).toBeGreaterThan(128 * 1024);
    expect(await refusal(big)).toMatch(/^The prompt is [\d,]+ tokens long; this model takes at most 2,048 tokens/);
  });
});

describe('playground.fill takes unusual but valid prompts', () => {
  it('control characters, emoji and a just-under-the-limit prompt fill every hole', async () => {
    const controls = await fill('The \u0000\u0007 <extra_id_0>\t walks\r\n in \u001b[31m <extra_id_1> park 🐕');
    expect(controls.spans.map((s) => s.sentinel)).toEqual([0, 1]);
    const hundred = Array.from({ length: 100 }, (_, n) => `<extra_id_${n}>`).join(' ');
    expect((await fill(hundred, 2)).spans).toHaveLength(100);
  });

  it('20 seeded random prompts either fill every hole or are refused with a how-to', async () => {
    const rng = Rng.fromSplitMix32(9);
    const pieces = [
      'The',
      ' dog',
      ' ',
      '\n',
      '\u0000',
      'é',
      '🐕',
      '<extra_id_0>',
      '<extra_id_5>',
      '<extra_id_200>',
      '<extra_id>',
      '\ud800',
      'park',
    ];
    const outcomes = { filled: 0, refused: 0 };
    for (let i = 0; i < 20; i++) {
      const prompt = Array.from({ length: rng.below(12) }, () => pieces[rng.below(pieces.length)]).join('');
      let filled: Filled;
      try {
        filled = await fill(prompt, 2);
      } catch (error) {
        expect(error, JSON.stringify(prompt)).toMatchObject({ code: 'invalid_input' });
        expect((error as Error).message).toMatch(/<extra_id_0>|surrogate/);
        outcomes.refused++;
        continue;
      }
      const holes = [...prompt.matchAll(/<extra_id_(\d+)>/g)].map((m) => Number(m[1]));
      expect(
        filled.spans.map((s) => s.sentinel),
        JSON.stringify(prompt),
      ).toEqual(holes);
    }
  });
});
