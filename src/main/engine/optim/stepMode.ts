// How a call of K optimizer steps runs by default on each execution provider: in one ONNX
// Loop, or as K one-step runs. Its own module, free of onnxruntime, because the runs service
// plans memory with the same rule (services/runsMemory.ts) in a process that loads no ORT.

import type { ProviderName } from '../onnx/session';

export type StepMode = 'auto' | 'loop' | 'single';

/**
 * Most parameter bytes for which the CPU runs a call's K steps in one Loop under 'auto': a
 * Loop saves each step's run overhead (which grows with the number of state tensors) but holds
 * about three more copies of the training state (each iteration's input and output, the copy
 * of its final state), so it pays only for small models. Measured on the 2-core machine (2
 * threads, ms per step after the first call, peak RSS), Loop against K one-step runs: the
 * built-in byt5-tiny (0.9M parameters, 3.5 MB) with Adafactor, B=8 32/11 K=10: 16–18 against
 * 20–21 ms, the same memory; t5-small (60.5M, 242 MB) with AdamW: B=8 64/16 K=10 1,098
 * against 1,097 ms and 4,774 against 3,193 MB; B=1 128/32 K=2 919 against 631 ms, 4,763
 * against 2,518 MB; B=2 512/114 K=2 2,794 against 2,248 ms, 4,759 against 2,593 MB; B=8
 * 128/29 K=4 1,608–2,159 against 1,718–2,653 ms (four pairs, the machine's noise), 4,760–4,800
 * against 2,606–2,613 MB. The whole trainer (`spanfill train --model preset:t5-small
 * --tokenizer bytes --input-length 64 --batch-size 8 --steps-per-call 10 --max-steps 20
 * --threads 2`): 28 s and 3,219 MB peak with the Loop, 32 s and 2,261 MB without.
 */
export const CPU_LOOP_MAX_PARAM_BYTES = 32 * 2 ** 20;

/**
 * Whether mode 'auto' runs the K steps of a call in one ONNX Loop on `provider` for a model of
 * `paramBytes`: on CUDA, where the Loop keeps the state on the GPU between steps (a one-step
 * run sends it over PCIe both ways; not measured yet), and on the CPU for small models. WebGPU
 * has no Loop kernel and keeps its state in GPU buffers between runs; DirectML is untested.
 */
export function isLoopedByDefault(k: number, provider: ProviderName, paramBytes: number): boolean {
  if (k <= 1) return false;
  return provider === 'cuda' || (provider === 'cpu' && paramBytes <= CPU_LOOP_MAX_PARAM_BYTES);
}
