// `spanfill bench compare` (`npm run bench:compare`): the same T5 training step in PyTorch
// (the checkout's bench/torch_t5.py) and in Spanfill (bench train, in the engine host), one
// after the other with the same model config, shapes and threads, then a table of the ratios
// (engine/bench/compare.ts); with --rounds N, N such rounds and their medians; with --quick
// bench train's tiny step (bench-options.ts trainStepOptions), a smoke test of both sides. Without an
// importable torch it says how to install it and exits 0.
// SPANFILL_PYTHON names the python to use; otherwise python3, then Debian's /usr/bin/python3.
// --provider webgpu (or cuda) runs Spanfill's step on that GPU provider and PyTorch's on CUDA.
// Before it looks for torch it checks what bench train checks (bench-train-checks.ts): a length
// over the model's limit, a provider that does not load here, a step over the memory budget
// (--memory-budget MIB), refused in the trainer's words; both sides would run that step.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CompareSide, TorchTrainResult, TrainComparison, TrainSide } from '../../engine/bench/compare';
import type { ProviderName } from '../../engine/onnx/session';
import { compareTrain, medianComparison, parseTorchTrainResult } from '../../engine/bench/compare';
import type { TrainBenchResult } from '../../engine/bench/train';
import type { T5Config } from '../../engine/t5/config';
import { toHfConfigJson } from '../../engine/t5/config';
import { machineMemory } from '../../services/runsMemory';
import type { CommandContext } from '../command';
import { checkBenchTrain } from './bench-train-checks';
import { countOption, modelShapeOption, providerOption, trainStepOptions } from './bench-options';
import { benchTrainInHost, renderTrainBench } from './bench-train';
import { plural } from '../../../shared/format';

const run = promisify(execFile);

export const INSTALL_TORCH =
  'apt-get install python3-torch libopenblas0-pthread (Debian), or pip install torch; or set SPANFILL_PYTHON to a python that has torch';

/** For a GPU --provider, where PyTorch must run on CUDA. */
export const INSTALL_CUDA_TORCH =
  "pip install torch on a machine with an NVIDIA GPU and its driver (the default Linux wheels are CUDA builds; Debian's python3-torch is not); or set SPANFILL_PYTHON to a python whose torch sees the GPU";

export interface PythonProbe {
  readonly python: string;
  /** torch.__version__ when importable. */
  readonly torch?: string;
  /** Why not, when not. */
  readonly problem?: string;
}

export type CompareResult =
  | { readonly status: 'no-torch'; readonly tried: readonly PythonProbe[]; readonly install: string }
  | {
      readonly status: 'compared';
      readonly python: string;
      /** The last round's results. */
      readonly pytorch: TorchTrainResult;
      readonly spanfill: TrainBenchResult;
      /** Over all rounds: medians, and the median of the rounds' ratios (medianComparison). */
      readonly comparison: TrainComparison;
      readonly rounds: readonly CompareRound[];
    };

/** One round: PyTorch's run, then Spanfill's, and their ratios. */
export interface CompareRound {
  readonly pytorch: TorchTrainResult;
  readonly spanfill: TrainBenchResult;
  readonly comparison: TrainComparison;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/** What a python is asked: its torch version, then whether torch sees a CUDA device. */
const PROBE_SCRIPT = 'import torch; print(torch.__version__); print(torch.cuda.is_available())';

/**
 * Whether `python` imports torch, and with `needsCuda` whether that torch sees a CUDA device
 * (a GPU --provider compares with PyTorch on CUDA, so a CPU-only torch cannot serve).
 */
async function probe(
  python: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  needsCuda: boolean,
): Promise<PythonProbe> {
  let stdout: string;
  try {
    stdout = (await run(python, ['-c', PROBE_SCRIPT], { env, signal })).stdout;
  } catch (error) {
    signal.throwIfAborted();
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') return { python, problem: 'not found' };
    return { python, problem: `cannot import torch (${lastLine(failure.stderr ?? failure.message)})` };
  }
  const [version = '', cuda = ''] = stdout
    .trim()
    .split('\n')
    .map((line) => line.trim());
  if (needsCuda && cuda !== 'True')
    return {
      python,
      problem: `torch ${version} sees no CUDA device (torch.cuda.is_available() is ${cuda || 'unknown'})`,
    };
  return { python, torch: version };
}

/**
 * The first candidate python that imports torch (with `needsCuda`, a torch that sees a CUDA
 * device), and what each one tried said.
 */
export async function findTorchPython(
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  needsCuda = false,
): Promise<{ found?: PythonProbe; tried: PythonProbe[] }> {
  const candidates = env.SPANFILL_PYTHON ? [env.SPANFILL_PYTHON] : ['python3', '/usr/bin/python3'];
  const tried: PythonProbe[] = [];
  for (const python of candidates) {
    const result = await probe(python, env, signal, needsCuda);
    tried.push(result);
    if (result.torch !== undefined) return { found: result, tried };
  }
  return { tried };
}

/** bench/torch_t5.py of the checkout this code runs from (source through tsx, or out/main). */
export function torchScript(here: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = here; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      const script = path.join(dir, 'bench', 'torch_t5.py');
      if (existsSync(script)) return script;
      break;
    }
  }
  throw new Error(`bench compare runs bench/torch_t5.py from a source checkout; none found above ${here}`);
}

function formatNumber(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** The ratio table, one row per metric, plus a warning when the two models differ. */
export function renderComparison(c: TrainComparison): string {
  const header = ['', 'Spanfill', 'PyTorch', 'ratio', 'target'];
  const rows = c.rows.map((r) => [
    r.metric,
    formatNumber(r.spanfill),
    formatNumber(r.pytorch),
    `${r.ratio.toFixed(2)}×`,
    r.target
      ? `${r.target.bound === 'at least' ? '≥' : '≤'} ${r.target.ratio}× ${r.target.isMet ? 'met' : 'MISSED'}`
      : '',
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const lines = [header, ...rows].map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
  const where = c.side === 'gpu' ? ', on the GPU (PyTorch on CUDA; peak RSS is host memory)' : '';
  const title = `B=${c.batchSize} ${c.inputLength}/${c.targetLength}, ${c.parameters.spanfill} parameters${where}`;
  const warning = c.isSameModel
    ? []
    : [
        `NOTE: not the same model (PyTorch has ${c.parameters.pytorch} parameters): the ratios compare different things`,
      ];
  return [title, ...lines, ...warning].join('\n');
}

/** bench/torch_t5.py `train` with `python` on the same config, shapes, threads and steps. */
async function torchTrain(
  python: string,
  config: T5Config,
  shape: Pick<TrainSide, 'batchSize' | 'inputLength' | 'targetLength'>,
  counts: { threads: number; steps: number; warmup: number; side: CompareSide },
  context: CommandContext,
): Promise<TorchTrainResult> {
  const threads = String(counts.threads);
  const source = `${python} bench/torch_t5.py`;
  const args = [
    ...[torchScript(), 'train', '--config-json', JSON.stringify(toHfConfigJson(config))],
    ...['--device', counts.side === 'gpu' ? 'cuda' : 'cpu'],
    ...['--batch', String(shape.batchSize), '--inputs', String(shape.inputLength)],
    ...['--targets', String(shape.targetLength), '--threads', threads],
    ...['--steps', String(counts.steps), '--warmup', String(counts.warmup)],
  ];
  // NOTE: torch.set_num_threads sizes the OpenMP pool; OpenBLAS's own pool follows its variable.
  const env = { ...context.env, OMP_NUM_THREADS: threads, OPENBLAS_NUM_THREADS: threads, MKL_NUM_THREADS: threads };
  try {
    const { stdout } = await run(python, args, { env, signal: context.signal, maxBuffer: 16 << 20 });
    return parseTorchTrainResult(stdout, source);
  } catch (error) {
    context.signal.throwIfAborted();
    const failure = error as { code?: unknown; signal?: unknown; stderr?: string; message: string };
    if (failure.stderr === undefined) throw error;
    const how = failure.signal ? `was killed by ${String(failure.signal)}` : `exited with ${String(failure.code)}`;
    throw new Error(`${source} ${how}: ${lastLine(failure.stderr) || failure.message}`);
  }
}

interface RoundPlan {
  readonly python: string;
  readonly model: ReturnType<typeof modelShapeOption>;
  readonly shape: Pick<TrainSide, 'batchSize' | 'inputLength' | 'targetLength'>;
  readonly provider: ProviderName;
  readonly counts: { threads: number; steps: number; warmup: number; side: CompareSide };
}

/** PyTorch's step, then Spanfill's (in the engine host), and their ratio table. */
async function compareRound(plan: RoundPlan, context: CommandContext): Promise<CompareRound> {
  const { model, shape, provider, counts } = plan;
  const pytorch = await torchTrain(plan.python, model.config, shape, counts, context);
  context.log(`Spanfill (${model.modelName}, ${provider}), ${plural(counts.threads, 'thread')}…`);
  const spanfill = await benchTrainInHost(context, {
    ...model,
    ...shape,
    steps: counts.steps,
    warmupSteps: counts.warmup,
    provider,
    threads: counts.threads,
  });
  context.log(renderTrainBench(spanfill));
  if (spanfill.provider !== provider) {
    const against = counts.side === 'gpu' ? 'PyTorch on CUDA' : 'PyTorch';
    context.log(
      `NOTE: Spanfill ran on ${spanfill.provider}, not ${provider}, so this compares it with ${against} on a different device.`,
    );
  }
  const comparison = compareTrain(spanfill, pytorch, counts.side);
  context.log(renderComparison(comparison));
  return { pytorch, spanfill, comparison };
}

export const compareBench = {
  summary:
    "the same T5 training step in PyTorch (bench/torch_t5.py) and Spanfill, side by side (--preset or --model DIR, --batch, --inputs, --targets, --provider, --threads, --steps, --warmup, --rounds, --memory-budget): ms/step, tokens/s and peak RSS (of the python process; of the engine host) with their ratios, over --rounds alternating rounds their medians; with a GPU --provider, PyTorch runs on CUDA; a length over the model's limit, a provider that does not load here or a step over the memory budget is refused before either side runs, as bench train refuses it",
  async run(context: CommandContext): Promise<CompareResult> {
    const model = modelShapeOption(context, 'compare');
    const { steps, ...shape } = trainStepOptions(context);
    const provider = providerOption(context);
    const side: CompareSide = provider === 'cpu' ? 'cpu' : 'gpu';
    const threads = countOption(context, 'threads', os.availableParallelism());
    const warmup = countOption(context, 'warmup', 1);
    const roundCount = countOption(context, 'rounds', 1);
    const deps = { system: context.app().system, memory: machineMemory };
    const checked = { config: model.config, ...shape, provider };
    for (const note of await checkBenchTrain(checked, countOption(context, 'memory-budget'), deps)) context.log(note);
    const { found, tried } = await findTorchPython(context.env, context.signal, side === 'gpu');
    if (!found) {
      const why = tried.map((t) => `${t.python}: ${t.problem}`).join('; ');
      const [what, install] = side === 'gpu' ? ['PyTorch on CUDA', INSTALL_CUDA_TORCH] : ['PyTorch', INSTALL_TORCH];
      context.log(`${what} is not available (${why}), so there is nothing to compare with.`);
      context.log(`To install it: ${install}.`);
      return { status: 'no-torch', tried, install };
    }
    const torchDevice = side === 'gpu' ? 'CUDA' : plural(threads, 'thread');
    const plan: RoundPlan = { python: found.python, model, shape, provider, counts: { threads, steps, warmup, side } };
    const rounds: CompareRound[] = [];
    for (let round = 1; round <= roundCount; round++) {
      const which = roundCount > 1 ? `round ${round} of ${roundCount}: ` : '';
      context.log(
        `${which}PyTorch ${found.torch} (${found.python}), ${torchDevice}: ${steps} timed steps after ${warmup} warm-up…`,
      );
      rounds.push(await compareRound(plan, context));
    }
    const comparison = medianComparison(rounds.map((r) => r.comparison));
    if (roundCount > 1)
      context.log(
        `Over ${roundCount} rounds (medians; ratio: the median of the rounds' ratios):\n${renderComparison(comparison)}`,
      );
    const last = rounds[rounds.length - 1];
    return {
      status: 'compared',
      python: found.python,
      pytorch: last.pytorch,
      spanfill: last.spanfill,
      comparison,
      rounds,
    };
  },
};
