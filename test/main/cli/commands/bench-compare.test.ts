// `spanfill bench compare` end to end on a tiny model folder: with a python that has torch it
// runs bench/torch_t5.py and Spanfill's step on the same shapes and prints the comparison;
// with a python that cannot import torch (Debian's, its site-packages cut off by -S) or none
// at all it says how to install torch and exits 0, and so with a GPU --provider when torch sees
// no CUDA device; a failed PyTorch run fails with its error;
// a GPU --provider asks PyTorch for CUDA; --rounds runs both sides that many times; --quick asks
// for tiny shapes and one timed step. What bench
// train refuses (a length over the model's limit, a step over the memory budget, a provider
// that does not load here) is refused before any python runs, the torch probe included.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompareResult } from '../../../../src/main/cli/commands/bench-compare';
import { INSTALL_CUDA_TORCH, INSTALL_TORCH } from '../../../../src/main/cli/commands/bench-compare';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { jsonResult, runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const gatedDir = path.join(__dirname, '../../../fixtures/t5/t5-tiny-gated');
const tempDir = tempDirs('spanfill-bench-compare-');
const tiny = ['--model', gatedDir, '--batch', '2', '--inputs', '6', '--targets', '3', '--steps', '1', '--threads', '1'];

/** An executable that runs python3 without its site-packages: a real python where torch is absent. */
function pythonWithoutTorch(): string {
  const file = path.join(tempDir(), 'python-no-site');
  fs.writeFileSync(file, '#!/bin/sh\nexec python3 -S "$@"\n', { mode: 0o755 });
  return file;
}

describe('bench compare', () => {
  it('says how to install torch and exits 0 when the python cannot import it', async () => {
    const python = pythonWithoutTorch();
    const env = { PATH: process.env.PATH, SPANFILL_PYTHON: python };
    const text = await runSpanfill(['bench', 'compare', ...tiny, '--data-dir', tempDir()], env);
    expect(text.code).toBe(exitCodes.ok);
    expect(text.stdout).toContain(`PyTorch is not available (${python}: cannot import torch (ModuleNotFoundError`);
    expect(text.stdout).toContain(`To install it: ${INSTALL_TORCH}.`);
    expect(INSTALL_TORCH).toContain('apt-get install python3-torch libopenblas0-pthread');

    const json = await runSpanfill(['bench', 'compare', ...tiny, '--json', '--data-dir', tempDir()], env);
    expect(json.code).toBe(exitCodes.ok);
    const result = jsonResult<CompareResult>(json.stdout);
    expect(result.status).toBe('no-torch');
  });

  it('says the python was not found, and exits 0, when there is none', async () => {
    const missing = path.join(tempDir(), 'no-such-python');
    const env = { PATH: process.env.PATH, SPANFILL_PYTHON: missing };
    const { code, stdout } = await runSpanfill(['bench', 'compare', ...tiny, '--json', '--data-dir', tempDir()], env);
    expect(code).toBe(exitCodes.ok);
    expect(jsonResult<CompareResult>(stdout)).toEqual({
      status: 'no-torch',
      tried: [{ python: missing, problem: 'not found' }],
      install: INSTALL_TORCH,
    });
  });

  it('with a GPU --provider and a torch that sees no CUDA device, says how to get a CUDA build and exits 0', async () => {
    // Answers the probe as a CPU-only build does (Debian's python3-torch); a run would be a bug.
    const python = path.join(tempDir(), 'python-cpu-torch');
    const runsFile = path.join(tempDir(), 'ran.txt');
    const script = `#!/bin/sh\n[ "$1" = -c ] && { echo 1.13.0; echo False; exit 0; }\necho ran > '${runsFile}'\nexit 1\n`;
    fs.writeFileSync(python, script, { mode: 0o755 });
    const env = { PATH: process.env.PATH, SPANFILL_PYTHON: python };
    const text = await runSpanfill(['bench', 'compare', ...tiny, '--provider', 'webgpu', '--data-dir', tempDir()], env);
    expect(text.code).toBe(exitCodes.ok);
    expect(text.stdout).toContain(
      `PyTorch on CUDA is not available (${python}: torch 1.13.0 sees no CUDA device (torch.cuda.is_available() is False))`,
    );
    expect(text.stdout).toContain(`To install it: ${INSTALL_CUDA_TORCH}.`);
    const json = await runSpanfill(
      ['bench', 'compare', ...tiny, '--provider', 'webgpu', '--json', '--data-dir', tempDir()],
      env,
    );
    expect(json.code).toBe(exitCodes.ok);
    expect(jsonResult<CompareResult>(json.stdout)).toMatchObject({ status: 'no-torch', install: INSTALL_CUDA_TORCH });
    expect(fs.existsSync(runsFile)).toBe(false);

    // The same python serves a CPU comparison: only the GPU side needs CUDA.
    const cpu = await runSpanfill(['bench', 'compare', ...tiny, '--data-dir', tempDir()], env);
    expect(cpu.code).toBe(exitCodes.failure);
    expect(fs.readFileSync(runsFile, 'utf8')).toBe('ran\n');
  });

  it('fails with the last line PyTorch wrote when its run fails', async () => {
    // Passes the torch probe (`-c …`), then fails as an out-of-memory run would.
    const python = path.join(tempDir(), 'python-oom');
    const script =
      '#!/bin/sh\n[ "$1" = -c ] && { echo 1.13.0; exit 0; }\necho Traceback >&2\necho "RuntimeError: out of memory" >&2\nexit 1\n';
    fs.writeFileSync(python, script, { mode: 0o755 });
    const { code, stderr } = await runSpanfill(['bench', 'compare', ...tiny, '--data-dir', tempDir()], {
      PATH: process.env.PATH,
      SPANFILL_PYTHON: python,
    });
    expect(code).toBe(exitCodes.failure);
    expect(stderr).toContain(`${python} bench/torch_t5.py exited with 1: RuntimeError: out of memory`);
  });

  it('with --quick times tiny shapes, one step (a smoke test), and flags still set their own', async () => {
    // Records what PyTorch was asked to run, then fails, so Spanfill's side never starts.
    const argsFile = path.join(tempDir(), 'quick-args.txt');
    const python = path.join(tempDir(), 'python-quick');
    const script = `#!/bin/sh\n[ "$1" = -c ] && { echo 1.13.0; exit 0; }\necho "$@" >> '${argsFile}'\nexit 1\n`;
    fs.writeFileSync(python, script, { mode: 0o755 });
    const env = { PATH: process.env.PATH, SPANFILL_PYTHON: python };
    const quick = ['bench', 'compare', '--quick', '--model', gatedDir, '--threads', '1', '--data-dir', tempDir()];
    expect((await runSpanfill(quick, env)).code).toBe(exitCodes.failure);
    expect((await runSpanfill([...quick, '--batch', '3', '--steps', '2'], env)).code).toBe(exitCodes.failure);
    const [tiny, given] = fs.readFileSync(argsFile, 'utf8').trim().split('\n');
    // It timed t5-small's usual B=8 128/32 for 3 steps, --quick or not.
    expect(tiny).toMatch(/ --batch 2 --inputs 32 --targets 8 .* --steps 1 /);
    expect(given).toMatch(/ --batch 3 --inputs 32 --targets 8 .* --steps 2 /);
  });

  it('with a GPU --provider runs Spanfill there and PyTorch on CUDA (WebGPU on lavapipe), with bench train’s notes', async () => {
    // A python that records its arguments and answers like torch_t5.py on CUDA would.
    const argsFile = path.join(tempDir(), 'args.txt');
    const python = path.join(tempDir(), 'python-cuda');
    const result = {
      torch: '2.11.0',
      device: 'cuda',
      deviceName: 'a test GPU',
      peakDeviceMb: 12,
      threads: 1,
      parameters: 0,
      batchSize: 2,
      inputLength: 6,
      targetLength: 3,
      warmupSteps: 1,
      firstStepMs: 9,
      msPerStep: 4,
      minMsPerStep: 4,
      maxMsPerStep: 4,
      tokensPerSecond: 4500,
      losses: [5, 5],
      peakRssMb: 900,
    };
    const script = `#!/bin/sh\n[ "$1" = -c ] && { echo 2.11.0; echo True; exit 0; }\necho "$@" > '${argsFile}'\necho '${JSON.stringify(result)}'\n`;
    fs.writeFileSync(python, script, { mode: 0o755 });
    const { code, stdout } = await runSpanfill(
      ['bench', 'compare', ...tiny, '--provider', 'webgpu', '--rounds', '2', '--json', '--data-dir', tempDir()],
      { PATH: process.env.PATH, SPANFILL_PYTHON: python },
    );
    expect(code).toBe(exitCodes.ok);
    expect(fs.readFileSync(argsFile, 'utf8')).toMatch(/ --device cuda /);
    const compared = jsonResult<CompareResult>(stdout);
    if (compared.status !== 'compared') throw new Error(`expected a comparison, got ${stdout}`);
    expect([compared.spanfill.provider, compared.spanfill.isFullyPlaced]).toEqual(['webgpu', true]);
    expect([compared.pytorch.device, compared.comparison.side]).toEqual(['cuda', 'gpu']);
    // Two rounds, each with both sides; the summary is their median (PyTorch's side is the same each time).
    expect(compared.rounds).toHaveLength(2);
    expect(compared.rounds.map((r) => r.pytorch.msPerStep)).toEqual([4, 4]);
    const ratios = compared.rounds.map((r) => r.comparison.rows[1].ratio);
    expect(compared.comparison.rows[1].ratio).toBeCloseTo((ratios[0] + ratios[1]) / 2, 12);

    // In text, the notes bench train prints: WebGPU runs in software here, and no nvidia-smi checks its memory.
    const text = await runSpanfill(['bench', 'compare', ...tiny, '--provider', 'webgpu', '--data-dir', tempDir()], {
      PATH: process.env.PATH,
      SPANFILL_PYTHON: python,
    });
    expect(text.code).toBe(exitCodes.ok);
    expect(text.stdout).toMatch(
      /^provider webgpu runs in software here: .+\nGPU memory not checked: .+; set --memory-budget to have it checked\n/,
    );
  });

  it('runs both sides on the same model and shapes and compares them', async () => {
    const { code, stdout, stderr } = await runSpanfill(
      ['bench', 'compare', ...tiny, '--json', '--data-dir', tempDir()],
      {
        PATH: process.env.PATH,
      },
    );
    expect([code, stderr]).toEqual([exitCodes.ok, '']);
    const result = jsonResult<CompareResult>(stdout);
    if (result.status !== 'compared') throw new Error(`expected a comparison, got ${stdout}`);
    const { pytorch, spanfill, comparison } = result;
    for (const side of [pytorch, spanfill]) {
      expect([side.batchSize, side.inputLength, side.targetLength, side.losses.length]).toEqual([2, 6, 3, 2]);
    }
    expect(pytorch.threads).toBe(1);
    expect(pytorch.parameters).toBe(spanfill.parameters);
    expect(comparison.isSameModel).toBe(true);
    expect(comparison.rows.map((r) => r.metric)).toEqual(['ms/step', 'tokens/s', 'peak RSS MB']);
    expect(comparison.rows[1].ratio).toBeCloseTo(spanfill.tokensPerSecond / pytorch.tokensPerSecond, 12);
  });
});

describe('bench compare refusals', () => {
  /** A python that notes every time it is run, the torch probe included, and answers nothing useful. */
  function watchedPython(): { python: string; ran: () => boolean } {
    const python = path.join(tempDir(), 'python-watched');
    const ranFile = path.join(tempDir(), 'python-ran.txt');
    fs.writeFileSync(python, `#!/bin/sh\necho "$@" >> '${ranFile}'\nexit 1\n`, { mode: 0o755 });
    return { python, ran: () => fs.existsSync(ranFile) };
  }

  const compare = (python: string, ...flags: string[]) =>
    runSpanfill(['bench', 'compare', '--model', gatedDir, '--steps', '1', ...flags, '--data-dir', tempDir()], {
      PATH: process.env.PATH,
      SPANFILL_PYTHON: python,
    });

  it('refuses inputs over the model’s limit, and a step over the memory budget, before any python runs', async () => {
    const { python, ran } = watchedPython();
    const long = await compare(python, '--batch', '4096', '--inputs', '4096', '--targets', '64');
    expect([long.code, long.stdout]).toEqual([exitCodes.usage, '']);
    expect(long.stderr).toContain(
      '--inputs 4096 is more than this model takes: at most 2,048 tokens per input (attention memory grows with ' +
        'the square of the length); lower --inputs',
    );
    const big = await compare(python, '--batch', '4096', '--inputs', '2048', '--targets', '64');
    expect([big.code, big.stdout]).toEqual([exitCodes.usage, '']);
    expect(big.stderr).toMatch(/a step of --batch 4096 at --inputs 2048 --targets 64 needs ~[\d.]+ [GT]iB/);
    // --memory-budget is read: the tiny step is over 64 MiB.
    const small = await compare(python, '--batch', '2', '--inputs', '6', '--targets', '3', '--memory-budget', '64');
    expect([small.code, small.stdout]).toEqual([exitCodes.usage, '']);
    expect(small.stderr).toMatch(/over the 64 MiB budget \(--memory-budget\); .*raise --memory-budget/);
    expect(ran()).toBe(false);
  });

  it('refuses a provider this machine cannot load, instead of timing the CPU against PyTorch on CUDA', async () => {
    const { python, ran } = watchedPython();
    // DirectML loads only on Windows.
    const { code, stdout, stderr } = await compare(
      python,
      ...['--batch', '1', '--inputs', '4', '--targets', '2'],
      '--provider',
      'dml',
    );
    expect([code, stdout]).toEqual([exitCodes.usage, '']);
    expect(stderr).toMatch(/provider 'dml' is not available on this machine.*; use provider cpu/);
    expect(ran()).toBe(false);
  });
});
