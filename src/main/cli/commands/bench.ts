// `spanfill bench <what>`: measurements that are never timed tests (DESIGN.md §7). `ops`
// runs engine/bench/ops.ts benchOps(): matrix-product GFLOP/s (in the forms of --forms, at
// --shapes) and ms per fused training step at K = 1, 4, 16, on a --provider that loads here
// (bench-options.ts loadableProviderOption, as bench train checks it); train, generate and compare live
// in bench-*.ts. Other benchmarks join by adding one entry to `benches` below.

import type { BenchRow } from '../../engine/bench/ops';
import { benchOps, DEFAULT_MATMUL_SHAPES } from '../../engine/bench/ops';
import { PRODUCT_FORMS, PRODUCT_FORM_SUMMARIES } from '../../engine/bench/products';
import type { CommandContext } from '../command';
import { unknownName } from '../argErrors';
import { defineCommand, UsageError } from '../command';
import { importBench } from './bench-import';
import { benchT5 } from '../../engine/t5/bench';
import { compareBench } from './bench-compare';
import { generateBench } from './bench-generate';
import { formsOption, loadableProviderOption, presetOption, shapesOption } from './bench-options';
import { trainBench } from './bench-train';

/** A benchmark logs its rows as it measures them (text mode) and returns them (--json). */
interface Bench {
  readonly summary: string;
  /** Bare arguments after its name (import's SIZE_MB MODEL TOKENIZE_MB); none when unset. */
  readonly arguments?: number;
  run(context: CommandContext): Promise<unknown>;
}

export const benches: Readonly<Record<string, Bench>> = {
  import: importBench,
  train: trainBench,
  generate: generateBench,
  compare: compareBench,
  t5: {
    summary:
      'a random real-shape T5 (--preset, default t5-small): ms per fused AdamW step, generation tokens/s, peak RSS',
    async run(context) {
      const isQuick = context.flag('quick');
      const result = await benchT5({
        preset: presetOption(context),
        batchSize: isQuick ? 2 : 8,
        inputLength: isQuick ? 32 : 128,
        targetLength: isQuick ? 8 : 32,
        steps: isQuick ? 1 : 3,
        newTokens: 20,
      });
      context.log(
        `${result.preset} (${result.parameters} params): ${result.msPerStep.toFixed(0)} ms/step, ` +
          `${result.tokensPerSecond.toFixed(1)} tokens/s generating, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
      );
      return result;
    },
  },
  ops: {
    summary:
      'matrix-product GFLOP/s (on WebGPU also by the GPU’s own time) and ms per fused training step (2-layer MLP) at K = 1, 4, 16; a provider that does not load here is refused as bench train refuses it',
    async run(context) {
      const isQuick = context.flag('quick');
      const shapes = shapesOption(context);
      const provider = await loadableProviderOption(context); // as bench train refuses one
      const rows = await benchOps({
        providers: [provider],
        matmulShapes: shapes ?? (isQuick ? DEFAULT_MATMUL_SHAPES.slice(0, 1) : undefined),
        forms: formsOption(context),
        ks: shapes ? [] : undefined, // products alone when their shapes are given
        mlp: isQuick ? { input: 32, hidden: 64, output: 32, batch: 8 } : undefined,
        minMs: isQuick ? 50 : undefined,
        signal: context.signal,
        onRow: (row) => context.log(renderRow(row)),
      });
      return { rows };
    },
  },
};

function renderRow(row: BenchRow): string {
  if (row.kind === 'matmul') {
    const gpu =
      row.gpuMs === undefined ? '' : `; GPU ${row.gpuGflops?.toFixed(1)} GFLOP/s (${row.gpuMs.toFixed(3)} ms)`;
    return `${row.form} ${row.m}×${row.k}·${row.k}×${row.n} [${row.provider}]  ${row.gflops.toFixed(1)} GFLOP/s  (${row.msPerCall.toFixed(2)} ms)${gpu}`;
  }
  return `fused MLP step K=${String(row.k).padEnd(2)} [${row.provider}, ${row.mode}]  ${row.msPerStep.toFixed(2)} ms/step  (${row.msPerCall.toFixed(1)} ms/call, ${row.stateFloats} state floats)`;
}

export const benchCommand = defineCommand({
  name: 'bench',
  takesArguments: true,
  summary:
    'Measure engine speed (ops: MatMul and fused steps; train: a T5 training step; generate: T5 generation; compare: a training step against PyTorch; t5: a real-shape T5; import: data import)',
  usage:
    'spanfill bench (ops [--provider NAME] [--forms LIST] [--shapes LIST] | train [--preset NAME | --model DIR] [--batch B] [--inputs TE] [--targets TD] [--provider NAME] [--threads N] [--steps N] [--warmup N] [--graph cpu|gpu] [--steps-per-call K] [--step-mode auto|loop|single] [--update auto|graph] [--optimizer adamw|adafactor] [--buffer-cache bucket|simple] [--memory-budget MIB] [--profile] | generate [--preset NAME | --model DIR] [--provider NAME] [--threads N] [--prompt-tokens N] [--repeats N] | compare [--preset NAME | --model DIR] [--batch B] [--inputs TE] [--targets TD] [--provider NAME] [--threads N] [--steps N] [--warmup N] [--rounds N] [--memory-budget MIB] | t5 [--preset NAME] | import [SIZE_MB [MODEL|bytes|t5-standin [TOKENIZE_MB]]]) [--quick]',
  description:
    `Benchmarks: ${Object.entries(benches)
      .map(([name, b]) => `${name} — ${b.summary}`)
      .join('; ')}.\n` +
    'Numbers depend on the machine and on what else runs on it; ms/step falls with K when the\n' +
    'per-call copy of parameters and optimizer state matters (every ORT output is copied).',
  options: {
    provider: {
      type: 'string',
      placeholder: 'NAME',
      description:
        'Execution provider: cpu, cuda, webgpu or dml (default cpu); bench compare with a GPU provider runs PyTorch on CUDA',
    },
    quick: { type: 'boolean', description: 'Tiny shapes, a few calls each (a smoke test)' },
    forms: {
      type: 'string',
      placeholder: 'LIST',
      description: `bench ops: the forms of each matrix product, comma-separated, or all (default matmul): ${PRODUCT_FORMS.map((form) => `${form} = ${PRODUCT_FORM_SUMMARIES[form]}`).join('; ')}`,
    },
    shapes: {
      type: 'string',
      placeholder: 'LIST',
      description:
        'bench ops: the products to time as MxKxN, comma-separated (e.g. 16384x512x2048); given, bench ops times only these',
    },
    profile: {
      type: 'boolean',
      description:
        "bench train: keep onnxruntime's profile on through the timed steps and print the kernel time per op type and step, and on WebGPU the GPU's own time per program, its costliest kernels and its time by kernel shapes (profiling slows the step)",
    },
    preset: {
      type: 'string',
      placeholder: 'NAME',
      description: 'bench t5 / train / generate / compare: model shape preset, random weights (default t5-small)',
    },
    model: {
      type: 'string',
      placeholder: 'DIR',
      description: 'bench train / compare: the shape of this T5 folder (config.json); bench generate: its weights too',
    },
    batch: { type: 'string', placeholder: 'B', description: 'bench train / compare: examples per step (default 8)' },
    inputs: {
      type: 'string',
      placeholder: 'TE',
      description: 'bench train / compare: input tokens per example (default 128)',
    },
    targets: {
      type: 'string',
      placeholder: 'TD',
      description: 'bench train / compare: target tokens per example (default 32)',
    },
    threads: {
      type: 'string',
      placeholder: 'N',
      description:
        'bench train / generate / compare: CPU threads per op (default: all cores, for both sides in compare)',
    },
    steps: {
      type: 'string',
      placeholder: 'N',
      description: 'bench train / compare: timed steps after the warm-up (default 3)',
    },
    warmup: {
      type: 'string',
      placeholder: 'N',
      description:
        'bench train / compare: untimed steps first, on both sides in compare (default 1; the first steps also grow the memory pools, so a steady-state figure wants 3 or more)',
    },
    'prompt-tokens': {
      type: 'string',
      placeholder: 'N',
      description: 'bench generate: tokens in the random prompt (default 128)',
    },
    repeats: {
      type: 'string',
      placeholder: 'N',
      description: 'bench generate: timed generations per cell after one untimed (default 3)',
    },
    graph: {
      type: 'string',
      placeholder: 'cpu|gpu',
      description:
        "bench train: shape the step's graph for this kind of device (default: the provider's): gpu has fewer, larger nodes (grouped dropout masks, Gemm, fused RMS norms), cpu cache-sized ones; to try one shape on the other, e.g. gpu on many CPU cores",
    },
    'steps-per-call': {
      type: 'string',
      placeholder: 'K',
      description:
        "bench train: optimizer steps per call of the step program, as a run's stepsPerCall (default 1); --steps and --warmup round up to whole calls, ms/step is a call over K",
    },
    'step-mode': {
      type: 'string',
      placeholder: 'auto|loop|single',
      description:
        'bench train: how a call of K steps runs: one ONNX Loop, K one-step runs, or auto (default: as training, a Loop on CUDA and for models of up to 32 MiB of parameters on the CPU)',
    },
    update: {
      type: 'string',
      placeholder: 'auto|graph',
      description:
        "bench train: where the optimizer's update (AdamW's or Adafactor's) runs when the CPU runs one step per call on float32 parameters: auto (default, as training: in WebAssembly on the host, in place) or graph (as ONNX nodes, the way every other device runs it), to compare the two",
    },
    optimizer: {
      type: 'string',
      placeholder: 'adamw|adafactor',
      description:
        "bench train: the step's optimizer: adamw (default; weight decay 0.01, a constant 1e-4) or adafactor (HF's defaults, relative step sizes, as T5 was trained; on the CPU's one-step runs its update on the host as AdamW's, in the graph its state stacked by shape)",
    },
    'buffer-cache': {
      type: 'string',
      placeholder: 'bucket|simple',
      description:
        "bench train on WebGPU: how onnxruntime keeps the step's GPU buffers between runs: simple (the default, as training: every buffer by exact size, so a step of fixed shapes creates none after its first run) or bucket (onnxruntime's own default: rounded sizes, a few of each, none over 160 MB)",
    },
    'memory-budget': {
      type: 'string',
      placeholder: 'MIB',
      description:
        "bench train / compare: memory the step may use, in MiB, as train's --memory-budget (default: free RAM, or free GPU memory by nvidia-smi, less a margin); a step whose estimate (the trainer's) is over it is refused",
    },
    rounds: {
      type: 'string',
      placeholder: 'N',
      description:
        "bench compare: rounds of PyTorch then Spanfill (default 1); with more, the medians and the median of the rounds' ratios, which hold up better while the machine's speed drifts",
    },
  },
  async run(context) {
    const [what] = context.positionals;
    if (what === undefined) throw new UsageError(`bench needs one of: ${Object.keys(benches).join(', ')}`);
    const bench = Object.hasOwn(benches, what) ? benches[what] : undefined;
    if (!bench) throw new UsageError(unknownName('benchmark', what, Object.keys(benches)));
    const taken = bench.arguments ?? 0;
    const extra = context.positionals[1 + taken];
    if (extra !== undefined)
      throw new UsageError(
        taken === 0
          ? `bench ${what} takes no argument '${extra}' (its settings are options)`
          : `bench ${what} takes at most ${taken} arguments; '${extra}' is one more`,
      );
    return bench.run(context);
  },
  render: () => '', // rows were logged as they were measured
});
