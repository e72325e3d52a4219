// `spanfill bench train [--preset NAME | --model DIR] [--batch B] [--inputs TE] [--targets TD]
// [--provider cpu|webgpu|cuda] [--threads N] [--steps N] [--graph cpu|gpu] [--steps-per-call K]
// [--step-mode auto|loop|single] [--update auto|graph] [--optimizer adamw|adafactor]
// [--buffer-cache bucket|simple] [--memory-budget MIB] [--profile]`: engine/bench/train.ts
// benchTrain, run in the engine host like training itself (host/handlers/bench.ts) — ms per
// fused training step of a random real-shape T5, tokens/s, the host's peak RSS, the provider
// that ran and whether every node was placed on it — after the trainer's checks of length,
// provider and memory (bench-train-checks.ts). Registered as one entry of `benches` in bench.ts.

import type { TrainBenchResult } from '../../engine/bench/train';
import type { GpuProfile, OpProfile } from '../../engine/onnx/profile';
import type { TrainBenchPayload } from '../../host/handlers/bench';
import { machineMemory } from '../../services/runsMemory';
import type { CommandContext } from '../command';
import { checkBenchTrain } from './bench-train-checks';
import {
  countOption,
  bufferCacheOption,
  graphDeviceOption,
  modelShapeOption,
  optimizerOption,
  providerOption,
  stepModeOption,
  trainStepOptions,
  updateOption,
} from './bench-options';

/** Where a bench ran: "cpu (every node placed)", "cpu (asked for webgpu) (nodes off cpu: …)". */
export function renderProvider(
  r: Pick<TrainBenchResult, 'provider' | 'requestedProvider' | 'isFullyPlaced' | 'fallbacks'>,
): string {
  const fallbacks = Object.entries(r.fallbacks)
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
  const placed = r.isFullyPlaced ? 'every node placed' : `nodes off ${r.provider}: ${fallbacks}`;
  const ran = r.provider === r.requestedProvider ? r.provider : `${r.provider} (asked for ${r.requestedProvider})`;
  return `${ran} (${placed})`;
}

/**
 * One line: "t5-small cpu (every node placed) [update on the host] B=8 128/32: 2400 ms/step
 * (2300–2500), 533 tokens/s, peak RSS 3600 MB" (the host's).
 */
export function renderTrainBench(r: TrainBenchResult): string {
  return (
    `${r.preset} ${renderProvider(r)}${r.graphDevice ? ` [graph shaped for ${r.graphDevice}]` : ''}` +
    (r.bufferCache ? ` [buffer cache ${r.bufferCache}]` : '') +
    `${r.optimizer === 'adafactor' ? ' [Adafactor]' : ''}${r.update === 'host' ? ' [update on the host]' : ''} ` +
    `B=${r.batchSize} ${r.inputLength}/${r.targetLength}` +
    (r.stepsPerCall > 1
      ? `, ${r.stepsPerCall} steps per call (${r.stepMode === 'loop' ? 'one Loop' : 'one-step runs'})`
      : '') +
    ': ' +
    `${r.msPerStep.toFixed(0)} ms/step (${r.minMsPerStep.toFixed(0)}–${r.maxMsPerStep.toFixed(0)}), ` +
    `${r.tokensPerSecond.toFixed(0)} tokens/s, peak RSS ${r.peakRssMb.toFixed(0)} MB` +
    (r.placementMessage ? `\n${r.placementMessage}` : '')
  );
}

/** The op profile, most time first: "  Gemm on WebGpuExecutionProvider: 12.3 ms/step (24.1%), 291 nodes". */
export function renderOpProfile(profile: OpProfile, top = 20): string {
  const total = profile.ops.reduce((sum, o) => sum + o.ms, 0);
  const lines = profile.ops.slice(0, top).map((o) => {
    const share = total > 0 ? ((100 * o.ms) / total).toFixed(1) : '0.0';
    return `  ${o.op} on ${o.provider}: ${o.ms.toFixed(2)} ms/step (${share}%), ${Math.round(o.nodes)} nodes`;
  });
  const more = profile.ops.length > top ? [`  … ${profile.ops.length - top} more op types`] : [];
  const head = `kernel time by op type over ${profile.runs} profiled steps: ${total.toFixed(1)} ms of ${profile.runMs.toFixed(1)} ms per step in onnxruntime`;
  return [head, ...lines, ...more, ...renderGpuProfile(profile.gpu, top)].join('\n');
}

/** The GPU's own time, where the provider wrote it: by op type and program, the costliest kernels, by shapes. */
function renderGpuProfile(gpu: GpuProfile | undefined, top: number): string[] {
  if (!gpu) return [];
  const share = (ms: number) => (gpu.ms > 0 ? ((100 * ms) / gpu.ms).toFixed(1) : '0.0');
  return [
    `GPU time (timestamp queries): ${gpu.ms.toFixed(1)} ms per step`,
    ...gpu.programs
      .slice(0, top)
      .map(
        (p) =>
          `  ${p.op} (${p.program}): ${p.ms.toFixed(2)} ms/step (${share(p.ms)}%), ${Math.round(p.dispatches)} dispatches`,
      ),
    'costliest GPU kernels:',
    ...gpu.kernels.map((k) => `  ${k.ms.toFixed(2)} ms ${k.node} (${k.program}) ${k.shapes}`),
    'costliest GPU kernels by program and shapes, their nodes summed:',
    ...gpu.groups
      .slice(0, top)
      .map((g) => `  ${g.ms.toFixed(2)} ms ${g.program} × ${Math.round(g.dispatches)} ${g.shapes}`),
  ];
}

/**
 * benchTrain in the app's engine host, the process (and environment) training runs in; the
 * host does nothing else meanwhile, so the peak RSS is the step's. Ctrl-C cancels it.
 */
export function benchTrainInHost(context: CommandContext, payload: TrainBenchPayload): Promise<TrainBenchResult> {
  return context.app().engine.request('bench.train', payload, { signal: context.signal });
}

export const trainBench = {
  summary:
    "one fused training step (AdamW, or --optimizer adafactor) of a random T5 in the engine host (--preset or --model DIR, --batch, --inputs, --targets, --provider, --threads, --steps, --warmup, --graph, --steps-per-call, --step-mode, --update, --optimizer, --buffer-cache, --memory-budget, --profile): ms/step, tokens/s, peak RSS of the host, provider and node placement; a length over the model's limit, a provider that does not load here or a step over the memory budget is refused as training refuses it",
  async run(context: CommandContext): Promise<TrainBenchResult> {
    const payload = {
      ...modelShapeOption(context, 'train'),
      ...trainStepOptions(context),
      warmupSteps: countOption(context, 'warmup', 1),
      provider: providerOption(context),
      threads: countOption(context, 'threads'),
      graphDevice: graphDeviceOption(context),
      stepsPerCall: countOption(context, 'steps-per-call', 1),
      stepMode: stepModeOption(context),
      update: updateOption(context),
      optimizer: optimizerOption(context),
      bufferCache: bufferCacheOption(context),
      profile: context.flag('profile'),
    } satisfies TrainBenchPayload;
    const app = context.app();
    const deps = { system: app.system, memory: machineMemory };
    for (const note of await checkBenchTrain(payload, countOption(context, 'memory-budget'), deps)) context.log(note);
    const result = await benchTrainInHost(context, payload);
    context.log(renderTrainBench(result));
    if (result.profile) context.log(renderOpProfile(result.profile));
    return result;
  },
};
