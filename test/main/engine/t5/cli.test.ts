// t5-tiny-spm loaded as a user's folder (tokenizer through @huggingface/transformers, model,
// generation, sentinel filling), the score/fill functions behind the CLI, and the
// `spanfill score` / `spanfill fill` commands themselves run in-process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { loadHfTokenizer } from '../../../../src/main/engine/data/tokenizer';
import { CaseFileError, fillPrompt, parseScoreCase, scoreModelCase } from '../../../../src/main/engine/t5/cli';
import { jsonResult, runSpanfill, type CliOutput } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
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

const dataDir = tempDirs('spanfill-t5-cli-');

/** Runs `spanfill …` in-process with a fresh data directory; returns the exit code and what it printed. */
function spanfill(args: string[]): Promise<CliOutput> {
  return runSpanfill(args, { SPANFILL_DATA_DIR: dataDir() });
}

describe('spanfill score (command)', () => {
  it('--json prints {loss, grad_norms, greedy} matching the golden case', async () => {
    const name = 't5-tiny-gated';
    const golden = readCase(name);
    const run = await spanfill([
      'score',
      '--model',
      join(FIXTURES, name),
      '--case',
      join(FIXTURES, name, 'case.json'),
      '--json',
    ]);
    expect(run.code).toBe(exitCodes.ok);
    const result = jsonResult<{ loss: number; grad_norms: Record<string, number>; greedy: number[] }>(run.stdout);
    expect(Object.keys(result).sort()).toEqual(['grad_norms', 'greedy', 'loss']);
    expect(Math.abs(result.loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
    expect(Object.keys(result.grad_norms).sort()).toEqual(Object.keys(golden.grad_norms).sort());
    for (const [param, norm] of Object.entries(golden.grad_norms))
      expect(Math.abs(result.grad_norms[param] - norm) / norm, param).toBeLessThan(1e-4);
    expect(result.greedy).toEqual(golden.greedy.output_ids);
  });

  it('prints text without --json', async () => {
    const name = 't5-tiny-relu';
    const golden = readCase(name);
    const run = await spanfill(['score', '--model', join(FIXTURES, name), '--case', join(FIXTURES, name, 'case.json')]);
    expect(run.code).toBe(exitCodes.ok);
    expect(run.stdout).toContain(`greedy  ${golden.greedy.output_ids.join(' ')}`);
    expect(run.stdout).toMatch(/^loss {4}5\.5225/);
    expect(run.stdout).toMatch(/\n {2}decoder\.final_layer_norm\.weight +0\.\d+/);
  });

  it('names a missing model folder, an unreadable or malformed case file, and missing flags', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-case-'));
    try {
      const model = join(FIXTURES, 't5-tiny-relu');
      const missing = join(dir, 'no-model');
      let run = await spanfill(['score', '--model', missing, '--case', join(model, 'case.json')]);
      expect(run.code).toBe(exitCodes.usage);
      expect(run.stderr).toContain(`spanfill score: Model folder ${missing} does not exist`);
      run = await spanfill(['score', '--model', missing, '--case', join(model, 'case.json'), '--json']);
      expect(jsonResult(run.stdout)).toEqual({
        error: { code: 'invalid_argument', message: `Model folder ${missing} does not exist` },
      });
      run = await spanfill(['score', '--model', model, '--case', join(dir, 'none.json')]);
      expect(run.stderr).toContain(`Cannot read case file ${join(dir, 'none.json')}: ENOENT`);
      writeFileSync(join(dir, 'bad.json'), '{"input_ids": [[1, 2]], "labels": [[3, 999]]}');
      run = await spanfill(['score', '--model', model, '--case', join(dir, 'bad.json')]);
      expect(run.code).toBe(exitCodes.usage);
      expect(run.stderr).toContain('labels holds 999; token ids must be integers in [0, 160) or -100');
      writeFileSync(join(dir, 'bad.json'), '{"input_ids": [[1, 2]], "labels": "x"}');
      run = await spanfill(['score', '--model', model, '--case', join(dir, 'bad.json')]);
      expect(run.stderr).toContain('"labels" must be a non-empty array of rows of integer ids');
      run = await spanfill(['score', '--model', model]);
      expect(run.code).toBe(exitCodes.usage);
      expect(run.stderr).toContain('score needs --model DIR and --case FILE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help shows the usage of the issue', async () => {
    const run = await spanfill(['score', '--help']);
    expect(run.stdout).toContain('Usage: spanfill score --model DIR --case FILE [--json]');
  });
});

describe('spanfill fill (command)', () => {
  const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
  interface Filled {
    text: string;
    marked: string;
    output: string;
    ids: number[];
    spans: { sentinel: number; text: string; isMissing: boolean }[];
  }

  it('--json prints the filled text, marked text and spans; sampling is reproducible by seed', async () => {
    const sample = ['--sample', '--temperature', '0.9', '--top-p', '0.9', '--max-new-tokens', '10', '--json'];
    const a = await spanfill(['fill', '--model', SPM, ...sample, '--seed', '3', prompt]);
    expect(a.code).toBe(exitCodes.ok);
    const first = jsonResult<Filled>(a.stdout);
    expect(first.spans.map((s) => s.sentinel)).toEqual([0, 1]);
    expect(first.ids[0]).toBe(0);
    expect(first.ids.length).toBeGreaterThan(1);
    expect(first.ids.length).toBeLessThanOrEqual(11);
    const again = jsonResult<Filled>(
      (await spanfill(['fill', '--model', SPM, ...sample, '--seed', '3', prompt])).stdout,
    );
    expect(again).toEqual(first);
    const other = jsonResult<Filled>(
      (await spanfill(['fill', '--model', SPM, ...sample, '--seed', '4', prompt])).stdout,
    );
    expect(other.ids).not.toEqual(first.ids);
  });

  it('--beams 1 equals greedy; --beams N runs beam search; text output shows the marked prompt', async () => {
    const greedy = await spanfill(['fill', '--model', SPM, '--max-new-tokens', '8', '--json', prompt]);
    const beam1 = await spanfill(['fill', '--model', SPM, '--beams', '1', '--max-new-tokens', '8', '--json', prompt]);
    expect(jsonResult<Filled>(beam1.stdout).ids).toEqual(jsonResult<Filled>(greedy.stdout).ids);
    const beam3 = await spanfill(['fill', '--model', SPM, '--beams', '3', '--max-new-tokens', '8', '--json', prompt]);
    expect(beam3.code).toBe(exitCodes.ok);
    expect(jsonResult<Filled>(beam3.stdout).ids.length).toBeLessThanOrEqual(9);
    const text = await spanfill(['fill', '--model', SPM, '--max-new-tokens', '8', prompt]);
    const filled = jsonResult<Filled>(greedy.stdout);
    expect(text.stdout.split('\n')[0]).toBe(filled.marked);
    expect(text.stdout).toContain(`model output: ${JSON.stringify(filled.output)}`);
  });

  it('rejects conflicting or stray flags and names a missing model or tokenizer', async () => {
    const cases: [string[], string][] = [
      [['--beams', '2', '--sample', prompt], '--beams and --sample cannot be combined'],
      [['--temperature', '0.5', prompt], '--temperature needs --sample'],
      [['--sample', '--top-p', '1.5', prompt], "--top-p must be a number from 0.000001 to 1, got '1.5'"],
      [[], 'fill needs exactly one prompt argument; got 0'],
    ];
    for (const [args, message] of cases) {
      const run = await spanfill(['fill', '--model', SPM, ...args]);
      expect(run.code, args.join(' ')).toBe(exitCodes.usage);
      expect(run.stderr).toContain(message);
    }
    const missing = join(tmpdir(), 'spanfill-no-such-model');
    let run = await spanfill(['fill', '--model', missing, prompt]);
    expect(run.stderr).toContain(`Model folder ${missing} does not exist`);
    run = await spanfill(['fill', '--model', join(FIXTURES, 't5-tiny-relu'), prompt]);
    expect(run.stderr).toContain('t5-tiny-relu has no tokenizer.json');
  });

  it('--help lists the flags of the issue', async () => {
    const { stdout } = await spanfill(['fill', '--help']);
    expect(stdout).toContain('Usage: spanfill fill --model DIR [--beams N | --sample [--temperature T] [--top-p P]');
    for (const flag of ['--model DIR', '--beams N', '--sample', '--temperature T', '--top-p P', '--seed S'])
      expect(stdout).toContain(flag);
  });
});
