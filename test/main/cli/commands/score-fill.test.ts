// The `spanfill score` and `spanfill fill` commands run in-process: through the contract's
// playground calls, the playground service and the engine host, as the UI reaches them.
// The engine functions behind them are tested in test/main/engine/t5/{case,fill}.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { promptInput } from '../../../../src/main/cli/commands/fill';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { capture, jsonResult, runCaptured, runSpanfill, type CliOutput } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
import { FIXTURES, readCase } from '../../engine/t5/helpers';

const SPM = join(FIXTURES, 't5-tiny-spm');

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

  it('takes a model folder and a case file relative to the folder it runs in (the services take full paths)', async () => {
    const name = 't5-tiny-relu';
    const folder = relative(process.cwd(), join(FIXTURES, name));
    expect(isAbsolute(folder)).toBe(false);
    const run = await spanfill(['score', '--model', folder, '--case', `./${folder}/case.json`, '--json']);
    expect([run.code, run.stderr]).toEqual([exitCodes.ok, '']);
    expect(jsonResult<{ greedy: number[] }>(run.stdout).greedy).toEqual(readCase(name).greedy.output_ids);
    const spm = relative(process.cwd(), SPM);
    const masked = await spanfill(['mask', '--model', `./${spm}`, '--text', 'A tidy little sentence.', '--json']);
    expect([masked.code, masked.stderr]).toEqual([exitCodes.ok, '']);
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
      expect(run.code).toBe(exitCodes.failure);
      expect(run.stderr).toContain(`spanfill score: Model folder ${missing} does not exist`);
      run = await spanfill(['score', '--model', missing, '--case', join(model, 'case.json'), '--json']);
      expect(jsonResult(run.stdout)).toEqual({
        error: { code: 'invalid_input', message: `Model folder ${missing} does not exist` },
      });
      run = await spanfill(['score', '--model', model, '--case', join(dir, 'none.json')]);
      expect(run.stderr).toContain(`spanfill score: Case file ${join(dir, 'none.json')} does not exist\n`);
      run = await spanfill(['score', '--model', model, '--case', dir]);
      expect(run.stderr).toContain(`spanfill score: Case file ${dir} is a folder, not a file\n`);
      // Checked before a run's checkpoint is looked for (and named): the case file is what is wrong.
      run = await spanfill(['score', '--run', 'no-such-run', '--case', join(dir, 'none.json')]);
      expect([run.code, run.stderr]).toEqual([
        exitCodes.failure,
        expect.stringContaining(`spanfill score: Case file ${join(dir, 'none.json')} does not exist\n`),
      ]);
      writeFileSync(join(dir, 'bad.json'), '{"input_ids": [[1, 2]], "labels": [[3, 999]]}');
      run = await spanfill(['score', '--model', model, '--case', join(dir, 'bad.json')]);
      expect(run.code).toBe(exitCodes.failure);
      expect(run.stderr).toContain('labels holds 999; token ids must be integers in [0, 160) or -100');
      writeFileSync(join(dir, 'bad.json'), '{"input_ids": [[1, 2]], "labels": "x"}');
      run = await spanfill(['score', '--model', model, '--case', join(dir, 'bad.json')]);
      expect(run.stderr).toContain('"labels" must be a non-empty array of rows of integer ids');
      run = await spanfill(['score', '--model', model]);
      expect(run.code).toBe(exitCodes.usage);
      expect(run.stderr).toContain('score needs --case FILE (and --model DIR or --run ID)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help shows the usage of the issue', async () => {
    const run = await spanfill(['score', '--help']);
    expect(run.stdout).toContain(
      'Usage: spanfill score (--model DIR | --run ID [--checkpoint best|last|STEP]) --case FILE [--data-dir DIR] [--json]',
    );
  });
});

describe('spanfill fill (command)', () => {
  it('takes builtin:byt5-tiny as --model (written under the data directory on first use)', async () => {
    const dir = dataDir();
    const args = ['fill', '--model', 'builtin:byt5-tiny', '--max-new-tokens', '4', '--json', 'The <extra_id_0> dog'];
    const run = await runSpanfill(args, { SPANFILL_DATA_DIR: dir });
    expect(run.code, run.stderr).toBe(exitCodes.ok);
    const result = jsonResult<{ spans: { sentinel: number }[] }>(run.stdout);
    expect(result.spans.map((s) => s.sentinel)).toEqual([0]);
    const unknown = await runSpanfill(['fill', '--model', 'builtin:nope', 'The <extra_id_0> dog'], {
      SPANFILL_DATA_DIR: dir,
    });
    expect(unknown.code).toBe(exitCodes.failure);
    expect(unknown.stderr).toContain('builtin:nope');
  });
  const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
  interface Filled {
    text: string;
    marked: string;
    output: string;
    ids: number[];
    spans: { sentinel: number; text: string; isMissing: boolean }[];
    notes: string[];
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

  it("--sample's settings left out are the Playground's (Hugging Face generate's: temperature 1, top-k 50, top-p 1)", async () => {
    const args = ['fill', '--model', SPM, '--sample', '--seed', '5', '--max-new-tokens', '10', '--json'];
    const unset = jsonResult<Filled>((await spanfill([...args, prompt])).stdout);
    const hfDefaults = ['--temperature', '1', '--top-k', '50', '--top-p', '1'];
    expect(jsonResult<Filled>((await spanfill([...args, ...hfDefaults, prompt])).stdout).ids).toEqual(unset.ids);
    const { stdout } = await spanfill(['fill', '--help']);
    expect(stdout).toMatch(/--top-p P +Nucleus sampling threshold \(default 1; 1: off\)/);
    expect(stdout).toMatch(/--top-k K +Keep the K most likely tokens \(default 50; 0: off\)/);
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
    // In order: no note on the holes (only that the random model ran into the token limit).
    expect(filled.notes).toEqual([expect.stringMatching(/^Generation stopped at the limit of 8 new tokens/)]);
    expect(text.stdout).not.toContain('note: The holes');
    // Holes out of the order T5 was trained on get a note, in the text and in the JSON.
    const swapped = await spanfill([
      'fill',
      '--model',
      SPM,
      '--max-new-tokens',
      '8',
      '--json',
      'a <extra_id_1> b <extra_id_0>',
    ]);
    expect(jsonResult<Filled>(swapped.stdout).notes).toEqual([
      expect.stringMatching(/^The holes are numbered <extra_id_1>, <extra_id_0> from left to right;/),
      expect.stringMatching(/^Generation stopped at the limit/),
    ]);
    const swappedText = await spanfill([
      'fill',
      '--model',
      SPM,
      '--max-new-tokens',
      '8',
      'a <extra_id_1> b <extra_id_0>',
    ]);
    expect(swappedText.stdout).toMatch(/\n {2}note: The holes are numbered <extra_id_1>, <extra_id_0>/);
  });

  it('says when the answer was cut off by --max-new-tokens, in the text and in --json', async () => {
    // The tiny random model writes no </s> within 2 greedy tokens: both holes are left without output.
    const json = await spanfill(['fill', '--model', SPM, '--max-new-tokens', '2', '--json', prompt]);
    const cut = jsonResult<Filled & { stoppedAtTokenLimit: number | null }>(json.stdout);
    expect(cut.stoppedAtTokenLimit).toBe(2);
    const note =
      'Generation stopped at the limit of 2 new tokens before the model wrote </s>: 2 holes have no output. ' +
      'Raise --max-new-tokens (up to 512) to let the model finish.';
    expect(cut.notes).toEqual([note]);
    const text = await spanfill(['fill', '--model', SPM, '--max-new-tokens', '2', prompt]);
    expect(text.stdout).toContain(`\n  note: ${note}`);
    expect(text.stdout).toContain('<extra_id_1>  (no output)');
  });

  it('rejects conflicting or stray flags and names a missing model or tokenizer', async () => {
    const cases: [string[], string][] = [
      [['--beams', '2', '--sample', prompt], '--beams and --sample cannot be combined'],
      [['--temperature', '0.5', prompt], '--temperature needs --sample'],
      [['--sample', '--top-p', '1.5', prompt], "--top-p must be a number from 0.000001 to 1, got '1.5'"],
      [['--sample', '--top-p', '', prompt], "--top-p must be a number from 0.000001 to 1, got ''"],
      [['--sample', '--temperature', '0x1', prompt], '--temperature must be a number from'],
      [[], 'fill needs exactly one prompt argument (or --prompt-file FILE, or - for standard input); got 0'],
      [['--prompt-file', 'p.txt', prompt], 'fill takes the prompt from --prompt-file or an argument, not both'],
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

  it('Ctrl-C (the run signal) stops a fill with the interrupted exit code', async () => {
    const controller = new AbortController();
    const captured = capture();
    const running = runCaptured(['fill', '--model', SPM, '--max-new-tokens', '64', prompt], captured, {
      env: { SPANFILL_DATA_DIR: dataDir() },
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    expect(await running).toBe(exitCodes.interrupted);
    expect(captured.out()).toBe('');
  });

  it('reads the prompt from --prompt-file FILE and from standard input (-)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-fill-'));
    try {
      const args = ['fill', '--model', SPM, '--max-new-tokens', '6', '--json'];
      const expected = jsonResult<Filled>((await spanfill([...args, prompt])).stdout);
      writeFileSync(join(dir, 'prompt.txt'), `${prompt}\n`);
      const fromFile = await spanfill([...args, '--prompt-file', join(dir, 'prompt.txt')]);
      expect(jsonResult<Filled>(fromFile.stdout)).toEqual(expected);
      for (const dash of [['-'], ['--prompt-file', '-']]) {
        promptInput.stdin = Readable.from([Buffer.from(`${prompt}\n`)]);
        const fromStdin = await spanfill([...args, ...dash]);
        expect(jsonResult<Filled>(fromStdin.stdout), dash.join(' ')).toEqual(expected);
      }
    } finally {
      promptInput.stdin = process.stdin;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a prompt too long for an argument comes through a file and is refused with the token limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spanfill-fill-'));
    try {
      const long = 'The <extra_id_0> walks in the park. '.repeat(6000);
      expect(long.length).toBeGreaterThan(200 * 1024);
      writeFileSync(join(dir, 'long.txt'), long);
      const run = await spanfill(['fill', '--model', SPM, '--prompt-file', join(dir, 'long.txt')]);
      expect(run.code).not.toBe(exitCodes.ok);
      expect(run.stderr).toMatch(/The prompt is [\d,]+ tokens long; this model takes at most 2,048 tokens per input/);
      const empty = await spanfill(['fill', '--model', SPM, '']);
      expect(empty.stderr).toContain('The prompt is empty. Write the text with <extra_id_0>');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help lists the flags of the issue', async () => {
    const { stdout } = await spanfill(['fill', '--help']);
    expect(stdout).toContain('--prompt-file FILE');
    expect(stdout).toContain('<extra_id_0> to <extra_id_99>');
    expect(stdout).toContain(
      'Usage: spanfill fill (--model DIR | --run ID [--checkpoint best|last|STEP]) [--beams N | --sample [--temperature T] [--top-p P]',
    );
    for (const flag of ['--model DIR', '--run ID', '--beams N', '--sample', '--temperature T', '--top-p P', '--seed S'])
      expect(stdout).toContain(flag);
    // --beams states the range it refuses a value outside of (the help said only "Beam search with N beams").
    const refused = await spanfill(['fill', '--model', SPM, '--beams', '0', prompt]);
    const range = /--beams must be an integer from (\d+) to (\d+)/.exec(refused.stderr);
    expect(range, refused.stderr).not.toBeNull();
    expect(stdout).toMatch(new RegExp(`--beams N +Beam search with N beams, from ${range?.[1]} to ${range?.[2]}`));
  });
});
