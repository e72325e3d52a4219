// t5-tiny-spm loaded as a user's folder (tokenizer through @huggingface/transformers, model,
// generation, sentinel filling): fillPrompt, the engine side of `spanfill fill` and the
// playground's fill.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { fillPrompt } from '../../../../src/main/engine/t5/fill';
import { tempDirs } from '../../../support/tmp';
import { damagedFixture, FIXTURES } from './helpers';

const SPM = join(FIXTURES, 't5-tiny-spm');
const tempDir = tempDirs('spanfill-fill-');

describe('t5-tiny-spm as a user folder', () => {
  it('its tokenizer reproduces tokenizer_cases.json', async () => {
    const cases = JSON.parse(readFileSync(join(SPM, 'tokenizer_cases.json'), 'utf8')) as {
      extra_id_0: number;
      samples: { text: string; ids: number[] }[];
    };
    const tokenizer = await loadHfTokenizer(SPM);
    for (const sample of cases.samples) expect([...tokenizer.encode(sample.text), tokenizer.eosId]).toEqual(sample.ids);
    expect(tokenizer.sentinelId(0)).toBe(cases.extra_id_0);
  });

  it('fills a prompt with greedy, beam and seeded sampling', async () => {
    const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
    const greedy = await fillPrompt({ modelDir: SPM, prompt, maxNewTokens: 12 });
    expect(greedy.ids[0]).toBe(0);
    expect(greedy.ids.length).toBeGreaterThan(1);
    expect(greedy.spans.map((s) => s.sentinel)).toEqual([0, 1]);
    expect(greedy.text.startsWith('The ')).toBe(true);
    const beam = await fillPrompt({ modelDir: SPM, prompt, maxNewTokens: 12, strategy: { kind: 'beam', numBeams: 3 } });
    expect(beam.ids.length).toBeLessThanOrEqual(13);
    const sample = { kind: 'sample', seed: 3, temperature: 0.9, topP: 0.9 } as const;
    const a = await fillPrompt({ modelDir: SPM, prompt, maxNewTokens: 12, strategy: sample });
    const b = await fillPrompt({ modelDir: SPM, prompt, maxNewTokens: 12, strategy: sample });
    expect(a.ids).toEqual(b.ids);
  });

  it('says when generation stopped at the new-token limit before EOS', async () => {
    // The tiny random model never writes EOS in a few greedy steps: every fill here is cut off.
    const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
    for (const maxNewTokens of [1, 3]) {
      const cut = await fillPrompt({ modelDir: SPM, prompt, maxNewTokens });
      const tokenizer = await loadHfTokenizer(SPM);
      expect(cut.ids).toHaveLength(1 + maxNewTokens);
      expect(cut.ids).not.toContain(tokenizer.eosId);
      expect(cut.stoppedAtTokenLimit).toBe(maxNewTokens);
    }
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
    await expect(
      fillPrompt({ modelDir: SPM, prompt, maxNewTokens: 12, signal: controller.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('refuses weights that are not finite, naming the file and tensor, instead of filling with <pad>', async () => {
    const tensor = 'decoder.block.0.layer.2.DenseReluDense.wo.weight';
    const dir = damagedFixture(tempDir(), 't5-tiny-spm', tensor, (data) => (data[0] = NaN));
    await expect(fillPrompt({ modelDir: dir, prompt: 'A <extra_id_0> test', maxNewTokens: 4 })).rejects.toThrow(
      `${join(dir, 'model.safetensors')} holds 1 value that is not finite (NaN or infinite) in '${tensor}'`,
    );
  });
});
