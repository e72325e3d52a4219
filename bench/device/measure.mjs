// Runs a measurement plan with a kit from pack.mjs and writes one JSON line per item: what ran,
// its exit status and seconds, and the command's own --json result (or the end of its stderr).
// Plain Node, no packages: it runs with the kit's node on a machine without node_modules.
// Started by measure.sh (which unpacks the kit and sets up Vulkan); see that file for usage.
//
//   node measure.mjs --kit DIR --out FILE [--plan full|gpu|products|quick] [--budget SECONDS]
//
// Items run in the plan's order, most wanted first; one whose time limit no longer fits in the
// budget is written as skipped, so a plan never runs past the budget.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const GPU = ['--provider', 'webgpu'];
const CPU16 = ['--provider', 'cpu', '--threads', '16'];

/**
 * The WebGPU step against PyTorch CUDA at issue #11's two shapes (both plans run them). On the
 * H200 (2026-12-04) these took 23–31 s and 29–38 s.
 */
const WEBGPU_COMPARES = [
  { name: 'webgpu B=8 128/32', args: ['bench', 'compare', ...GPU, ...shape(8, 128, 32), ...counts(10, 3)], limit: 90 },
  {
    name: 'webgpu B=32 512/114',
    args: ['bench', 'compare', ...GPU, ...shape(32, 512, 114), ...counts(3, 2)],
    limit: 120,
  },
];

/**
 * Where the WebGPU step's GPU time goes at both shapes (--profile sums onnxruntime's
 * timestamp-query events by program, by program and shapes, and lists the costliest kernels;
 * profiling slows the step: shares, not the step's time). On the H200 (2026-12-04) 11–16 s each.
 */
const WEBGPU_PROFILES = [
  [8, 128, 32],
  [32, 512, 114],
].map(([b, te, td]) => ({
  name: `webgpu profile B=${b} ${te}/${td}`,
  args: ['bench', 'train', ...GPU, '--profile', ...shape(b, te, td), ...counts(2, 1)],
  limit: 60,
}));

/**
 * The products of a t5-small step at B=32 512/114 as M×K×N (16,384 encoder rows, 3,648
 * decoder rows): the feed-forward layer in and out, an attention projection, the LM head, the
 * weight gradients of the first three and of the head (K the rows), and the relative-position
 * bias table's gradient through the bucket one-hot (K = 512·512 positions, 32 buckets, 8 heads);
 * last, B=8 128/32's LM head input gradient (256 decoder rows, K the vocabulary), which took
 * 4.6 ms as a MatMul in the step's profile against 1.4 as the Gemm before 19b18cc (profiled).
 */
const PRODUCT_SHAPES = [
  '16384x512x2048',
  '16384x2048x512',
  '16384x512x512',
  '3648x512x32128',
  '2048x16384x512',
  '512x16384x2048',
  '512x16384x512',
  '32128x3648x512',
  '32x262144x8',
  '256x32128x512',
];

/**
 * Issue #11's measurements on the GPU machine (one H200, 16 cores): the WebGPU step against
 * PyTorch CUDA at its two shapes and its profile by op type, the 16-thread CPU step against
 * PyTorch 2.11, generation on WebGPU and on the CPU, the CPU step with AdamW's update in the
 * graph, Adafactor's WebGPU step, the CPU step with the GPU's graph, 16 CPU cores' calls of
 * 10 steps in one Loop against one-step runs, and Adafactor's 16-core step with its update on
 * the host and in the graph. `limit`: seconds before
 * the item is stopped.
 */
export const PLANS = {
  full: [
    { name: 'system', args: ['system'], limit: 60 },
    WEBGPU_COMPARES[0],
    // Where the WebGPU step's time goes, by op type (profiling slows it: shares, not the time).
    {
      name: 'webgpu profile B=8 128/32',
      args: ['bench', 'train', ...GPU, '--profile', ...shape(8, 128, 32), ...counts(5, 3)],
      limit: 90,
    },
    {
      name: 'cpu16 B=8 128/32',
      args: ['bench', 'compare', ...CPU16, ...shape(8, 128, 32), ...counts(4, 2)],
      limit: 120,
    },
    WEBGPU_COMPARES[1],
    { name: 'generate webgpu', args: ['bench', 'generate', ...GPU, '--repeats', '2'], limit: 120 },
    { name: 'generate cpu16', args: ['bench', 'generate', ...CPU16, '--repeats', '2'], limit: 90 },
    // Whether 16 cores still want AdamW's update on the host: its WebAssembly kernel is one
    // thread (onnxruntime-node takes no SharedArrayBuffer feeds, so no worker can share the
    // state), 64–70 ms of a t5-small step on 2 cores (2026-12-04), while the graph's ~13
    // passes run on all 16 threads but return a copy of parameters and moments. Against
    // 'cpu16 B=8 128/32' (auto: the host). On the H200's CPU (2026-12-04): graph 756 ms/step,
    // peak RSS 2,482 MB, against the host's 743 ms, 1,946 MB: the host stays.
    {
      name: 'cpu16 graph update B=8 128/32',
      args: ['bench', 'train', ...CPU16, '--update', 'graph', ...shape(8, 128, 32), ...counts(4, 2)],
      limit: 60,
    },
    // Adafactor (T5's own recipe): its update is per matrix, stacked by shape since 78fdb31
    // (344 optimizer nodes for t5-small on a GPU, ~4,200 before), against AdamW's few. On the
    // H200 (2026-12-04): 99 ms/step against AdamW's 88 ms that morning.
    {
      name: 'webgpu adafactor B=8 128/32',
      args: ['bench', 'train', ...GPU, '--optimizer', 'adafactor', ...shape(8, 128, 32), ...counts(5, 3)],
      limit: 90,
    },
    // Which graph 16 CPU cores want: the GPU's (grouped masks, Gemm, fused norms; fewer,
    // larger nodes) against the CPU's, measured above ('cpu16 B=8 128/32'). On the H200's CPU
    // (2026-12-04): 945 ms/step against 743: the CPU keeps its own graph.
    {
      name: 'cpu16 gpu-shaped graph B=8 128/32',
      args: ['bench', 'train', ...CPU16, '--graph', 'gpu', ...shape(8, 128, 32), ...counts(4, 2)],
      limit: 90,
    },
    // Whether 16 cores want a call's 10 steps in one Loop: it saves the host's copy of the whole
    // state per step (one per call) for ~3 more copies of it in memory. On 2 cores it saved no
    // time, so the CPU runs t5-small's calls as one-step runs (engine/optim/stepMode.ts). On
    // the H200's CPU (2026-12-04): 711 ms/step either way, peak RSS 4,934 MB in a Loop against
    // 2,116 MB: one-step runs stay.
    ...['loop', 'single'].map((mode) => ({
      name: `cpu16 10 steps per call, ${mode}, B=8 128/32`,
      args: [
        'bench',
        'train',
        ...CPU16,
        '--steps-per-call',
        '10',
        '--step-mode',
        mode,
        ...shape(8, 128, 32),
        ...counts(10, 10),
      ],
      limit: 90,
    })),
    // Whether 16 cores still want Adafactor's update on the host (one-thread WebAssembly since
    // fa9eddb, 44–66 ms of a step on 2 cores, 2026-12-04) rather than in the graph's 16
    // threads: auto against graph. On the H200's CPU (2026-12-04): the host 689 ms/step,
    // 1,490 MB; the graph 701 ms, 1,424 MB: within the steps' spread, the host stays.
    ...['auto', 'graph'].map((update) => ({
      name: `cpu16 adafactor, update ${update}, B=8 128/32`,
      args: [
        'bench',
        'train',
        ...CPU16,
        '--optimizer',
        'adafactor',
        '--update',
        update,
        ...shape(8, 128, 32),
        ...counts(4, 2),
      ],
      limit: 60,
    })),
  ],
  /**
   * The WebGPU step against PyTorch CUDA at both shapes, then where its GPU time goes
   * (--profile sums onnxruntime's timestamp-query events by program and lists the costliest
   * kernels), then B=8 with onnxruntime's own buffer cache against the trainer's (at B=32 the
   * trainer's took 428 ms/step against 704 on the H200, 2026-12-04).
   */
  gpu: [
    ...WEBGPU_COMPARES,
    ...WEBGPU_PROFILES,
    {
      name: 'webgpu buffer cache bucket B=8 128/32',
      args: ['bench', 'train', ...GPU, '--buffer-cache', 'bucket', ...shape(8, 128, 32), ...counts(10, 3)],
      limit: 60,
    },
  ],
  /**
   * Each form a linear layer's products can take (PRODUCT_SHAPES three to an item, every form
   * of products.ts, by the GPU's own time; 2026-12-04 on the H200: 15–18 s an item).
   */
  products: Array.from({ length: Math.ceil(PRODUCT_SHAPES.length / 3) }, (_, i) => {
    const shapes = PRODUCT_SHAPES.slice(3 * i, 3 * i + 3);
    return {
      name: `webgpu products ${3 * i + 1}-${3 * i + shapes.length}`,
      args: ['bench', 'ops', ...GPU, '--forms', 'all', '--shapes', shapes.join(',')],
      limit: 60,
    };
  }),
  /** The step's profiles alone (the engine's kernels changed, the compares not needed). */
  profiles: WEBGPU_PROFILES,
  /** Tiny shapes, to try the kit on a machine without a GPU (WebGPU on lavapipe, no CUDA). */
  quick: [
    { name: 'system', args: ['system'], limit: 60 },
    {
      name: 'cpu B=2 16/8',
      args: ['bench', 'train', '--provider', 'cpu', ...shape(2, 16, 8), ...counts(1, 1)],
      limit: 120,
    },
    {
      name: 'webgpu compare B=2 16/8',
      args: ['bench', 'compare', ...GPU, ...shape(2, 16, 8), ...counts(1, 1)],
      limit: 180,
    },
    { name: 'webgpu B=2 16/8', args: ['bench', 'train', ...GPU, ...shape(2, 16, 8), ...counts(1, 1)], limit: 180 },
  ],
};

function shape(batch, inputs, targets) {
  return ['--batch', String(batch), '--inputs', String(inputs), '--targets', String(targets)];
}

function counts(steps, warmup) {
  return ['--steps', String(steps), '--warmup', String(warmup)];
}

function parseArgs(argv) {
  const options = { plan: 'full', budget: 420 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`measure.mjs: ${flag} needs a value`);
    if (flag === '--kit') options.kit = path.resolve(value);
    else if (flag === '--out') options.out = path.resolve(value);
    else if (flag === '--plan') options.plan = value;
    else if (flag === '--budget') options.budget = Number(value);
    else throw new Error(`measure.mjs: unknown flag ${flag}`);
  }
  if (!options.kit || !options.out) throw new Error('measure.mjs: --kit DIR and --out FILE are required');
  if (!PLANS[options.plan]) throw new Error(`measure.mjs: --plan must be one of ${Object.keys(PLANS).join(', ')}`);
  if (!(options.budget > 0)) throw new Error('measure.mjs: --budget must be a number of seconds > 0');
  return options;
}

/** The machine, for the first line: cores, memory, GPUs (nvidia-smi -L where there is one). */
function machine() {
  let gpus = [];
  try {
    gpus = execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 20_000 }).trim().split('\n');
  } catch {
    gpus = [];
  }
  const memoryGiB = Math.round(os.totalmem() / 2 ** 30);
  return {
    kind: 'machine',
    date: new Date().toISOString(),
    cores: os.availableParallelism(),
    memoryGiB,
    gpus,
    node: process.version,
  };
}

/** Runs one item: resolves with its line (stopped with SIGKILL after `limit` seconds). */
function runItem(kit, dataDir, item, limit) {
  const args = [path.join(kit, 'app', 'cli.js'), ...item.args, '--json', '--data-dir', dataDir];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(path.join(kit, 'node'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), limit * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let result = null;
      try {
        result = JSON.parse(stdout);
      } catch {
        result = null;
      }
      const line = { name: item.name, args: item.args, exitCode: code, signal, seconds: (Date.now() - started) / 1000 };
      resolve({ ...line, result, ...(result === null || code !== 0 ? { stderrTail: stderr.slice(-2000) } : {}) });
    });
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  const write = (line) => {
    fs.appendFileSync(options.out, `${JSON.stringify(line)}\n`);
    console.log(JSON.stringify(line).slice(0, 400));
  };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-measure-'));
  const started = Date.now();
  write(machine());
  try {
    for (const item of PLANS[options.plan]) {
      const left = options.budget - (Date.now() - started) / 1000;
      if (item.limit > left) {
        write({
          name: item.name,
          args: item.args,
          skipped: `needs up to ${item.limit} s, ${Math.floor(left)} s of the budget left`,
        });
        continue;
      }
      write(await runItem(options.kit, dataDir, item, item.limit));
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// Run as a script only: tests import PLANS. (Node gives the script's URL by its real path, so
// argv[1] is resolved through links too.)
if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
