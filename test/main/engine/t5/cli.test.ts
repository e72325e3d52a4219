// t5-tiny-spm loaded as a user's folder (tokenizer through @huggingface/transformers, model,
// generation, sentinel filling) and the score/fill functions behind the CLI.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { CaseFileError, fillPrompt, parseScoreCase, scoreModelCase } from '../../../../src/main/engine/t5/cli';
import { FIXTURES, readCase } from './helpers';

const SPM = join(FIXTURES, 't5-tiny-spm');

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
});

describe('score', () => {
  it('prints the golden loss, gradient norms and greedy ids for a fixture case', async () => {
    const name = 't5-tiny-gated';
    const golden = readCase(name);
    const result = await scoreModelCase(join(FIXTURES, name), join(FIXTURES, name, 'case.json'));
    expect(Math.abs(result.loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
    expect(Object.keys(result.grad_norms).sort()).toEqual(Object.keys(golden.grad_norms).sort());
    expect(result.greedy).toEqual(golden.greedy.output_ids);
  });

  it('rejects malformed case files naming the field', () => {
    expect(() => parseScoreCase({ input_ids: [[1, 2]] }, 'c.json')).toThrow(CaseFileError);
    expect(() => parseScoreCase({ input_ids: [[1, 2]] }, 'c.json')).toThrow(
      'c.json: "labels" must be a non-empty array of rows of integer ids',
    );
    expect(() => parseScoreCase({ input_ids: [[1]], labels: [[1]], greedy: { max_new_tokens: 0 } }, 'c.json')).toThrow(
      'greedy.max_new_tokens must be a positive integer; got 0',
    );
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-case-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{nope');
      return expect(scoreModelCase(SPM, join(dir, 'bad.json'))).rejects.toThrow(/Cannot read case file .*bad\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
