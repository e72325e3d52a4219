// The MLP of mlp.ts in float32, K one-step runs per call: what compile()'s host update
// (hostProgram.test.ts) and the spec's host fields (spec.test.ts) train.
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import { compile } from '../../../../src/main/engine/optim/program';
import type { StepResult, TrainingState } from '../../../../src/main/engine/optim/trainingProgram';
import { data, IN, initialParams, OUT, PARAMS, spec } from './mlp';

/** Examples per micro-batch and steps per call. */
export const B = 5;
export const K = 3;

/**
 * The MLP of mlp.ts in float32, K one-step runs per call (under 'auto' a model this small
 * would run its K steps in one Loop, optim/stepMode.ts).
 */
export function spec32(overrides: Partial<CompileSpec> = {}): CompileSpec {
  const base = spec(K, B, overrides);
  return {
    ...base,
    mode: 'single',
    params: PARAMS.map((p) => ({ ...p, dtype: 'float32' as const })),
    batch: [
      { name: 'x', dtype: 'float32', shape: [B, IN] },
      { name: 'y', dtype: 'float32', shape: [B, OUT] },
    ],
    ...overrides,
  };
}

export const params32 = (): Record<string, HostTensor> =>
  Object.fromEntries(
    Object.entries(initialParams()).map(([name, t]) => [
      name,
      { dtype: 'float32', dims: t.dims, data: Float32Array.from(t.data as Float64Array) },
    ]),
  );

/** Two calls' batches (K·M micro-batches each). */
export function batches(m: number): { x: Float32Array; y: Float32Array }[] {
  const { x, y } = data(2 * K * m, B);
  const half = (a: Float64Array, i: number): Float32Array =>
    Float32Array.from(a.subarray((i * a.length) / 2, ((i + 1) * a.length) / 2));
  return [0, 1].map((i) => ({ x: half(x, i), y: half(y, i) }));
}

export async function trained(
  s: CompileSpec,
  calls: { x: Float32Array; y: Float32Array }[],
): Promise<{ update: string; results: StepResult[]; state: TrainingState }> {
  const program = await compile(s);
  try {
    program.setParams(params32());
    const results: StepResult[] = [];
    for (const batch of calls) results.push(await program.step(batch));
    return { update: program.update, results, state: await program.getState() };
  } finally {
    await program.release();
  }
}
