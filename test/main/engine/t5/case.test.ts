// scoreModelCase, the engine side of `spanfill score` and the playground's score, against the
// golden fixtures; a case file that cannot be read. (Parsing one: caseFile.test.ts.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreModelCase } from '../../../../src/main/engine/t5/case';
import { damagedFixture, FIXTURES, readCase } from './helpers';

const SPM = join(FIXTURES, 't5-tiny-spm');

describe('score', () => {
  it('prints the golden loss, gradient norms and greedy ids for a fixture case', async () => {
    const name = 't5-tiny-gated';
    const golden = readCase(name);
    const result = await scoreModelCase(join(FIXTURES, name), join(FIXTURES, name, 'case.json'));
    expect(Math.abs(result.loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
    expect(Object.keys(result.grad_norms).sort()).toEqual(Object.keys(golden.grad_norms).sort());
    expect(result.greedy).toEqual(golden.greedy.output_ids);
  });

  it('says a case file that is not JSON cannot be read, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-case-'));
    try {
      writeFileSync(join(dir, 'bad.json'), '{nope');
      return expect(scoreModelCase(SPM, join(dir, 'bad.json'))).rejects.toThrow(/^Case file .*bad\.json is not JSON: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a case file with a BOM; refuses a greedy id the vocabulary lacks, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-case-'));
    try {
      const golden = readFileSync(join(FIXTURES, 't5-tiny-gated', 'case.json'), 'utf8');
      writeFileSync(join(dir, 'bom.json'), `\uFEFF${golden}`);
      const result = await scoreModelCase(join(FIXTURES, 't5-tiny-gated'), join(dir, 'bom.json'));
      expect(result.greedy).toEqual(readCase('t5-tiny-gated').greedy.output_ids);
      writeFileSync(
        join(dir, 'id.json'),
        JSON.stringify({ input_ids: [[5]], labels: [[5]], greedy: { input_ids: [[999]] } }),
      );
      await expect(scoreModelCase(SPM, join(dir, 'id.json'))).rejects.toThrow(
        `${join(dir, 'id.json')}: greedy.input_ids holds 999; token ids must be integers in [0, 500)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the field that holds an id the vocabulary lacks, with the file, with or without a greedy section', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-case-'));
    const file = join(dir, 'oov.json');
    const refusal = (json: object): Promise<unknown> => {
      writeFileSync(file, JSON.stringify(json));
      return scoreModelCase(SPM, file);
    };
    try {
      // No greedy section: greedy decodes input_ids row 0, but the id is input_ids', and so named.
      const noGreedy = { input_ids: [[1, 2, 99999]], attention_mask: [[1, 1, 1]], labels: [[5, 6]] };
      await expect(refusal(noGreedy)).rejects.toThrow(
        `${file}: input_ids holds 99999; token ids must be integers in [0, 500)`,
      );
      const greedy = { input_ids: [[1, 2]], labels: [[5, 700]], greedy: { input_ids: [[1, 2]] } };
      await expect(refusal(greedy)).rejects.toThrow(
        `${file}: labels holds 700; token ids must be integers in [0, 500) or -100`,
      );
      await expect(refusal({ ...greedy, input_ids: [[1, 600]] })).rejects.toThrow(`${file}: input_ids holds 600;`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a case row over the model's input limit before reading the weights", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-case-'));
    try {
      const long = Array.from({ length: 2049 }, () => 5);
      writeFileSync(
        join(dir, 'long.json'),
        JSON.stringify({ input_ids: [[5, 6]], labels: [[5]], greedy: { input_ids: [long] } }),
      );
      await expect(scoreModelCase(SPM, join(dir, 'long.json'))).rejects.toThrow(
        `${join(dir, 'long.json')}: greedy.input_ids is 2,049 tokens long; this model takes at most 2,048 tokens per input`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses weights that are not finite, naming the file and tensor, before scoring', async () => {
    const tensor = 'encoder.block.0.layer.0.SelfAttention.q.weight';
    const dir = damagedFixture(mkdtempSync(join(tmpdir(), 'spanfill-case-')), 't5-tiny-gated', tensor, (data) => {
      data[0] = NaN;
    });
    try {
      await expect(scoreModelCase(dir, join(dir, 'case.json'))).rejects.toThrow(
        `${join(dir, 'model.safetensors')} holds 1 value that is not finite (NaN or infinite) in '${tensor}'`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
