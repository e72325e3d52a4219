// Gradient accumulation on a tiny T5 whose micro-batches hold different numbers of labelled
// tokens (per-document masking): a step of A micro-batches of b rows must be the step of one
// batch of A·b rows — the loss and gradient averaged over all of the step's labelled tokens,
// not the mean of each micro-batch's mean. The reference is the same rows in one batch with no
// accumulation (its step is checked against the golden case in t5/training.test.ts), on every
// way compile() runs a step: the host update, the graph update, K steps in a Loop, micro-batches
// unrolled (WebGPU's shape) and shaped for a GPU, and on WebGPU itself (lavapipe here).
import { describe, expect, it } from 'vitest';
import type { HostTensor } from '../../../../src/main/engine/onnx/session';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import { compile } from '../../../../src/main/engine/optim/program';
import type { StepResult, TrainingState } from '../../../../src/main/engine/optim/trainingProgram';
import { t5TrainingSpec } from '../../../../src/main/engine/t5/training';
import { loadFixture } from '../t5/trainingHelpers';
import { expectClose } from './helpers';

const NAME = 't5-tiny-relu';
const STEPS = 3;
const ROWS = 4; // the big batch: A = 2 micro-batches of 2 rows
/** Labelled tokens per row: the micro-batches hold 17 and 12, so their means' mean is not the mean over 29. */
const UNEQUAL = [7, 10, 10, 2];

/**
 * Four rows of the golden case's ids (rows 0, 1, 2, 1) whose targets keep the first `labelled[i]`
 * labels of the golden row (≤ 7, 10, 10, 10) and ignore the rest.
 */
function rowsOf(labelled: readonly number[]): { inputIds: number[][]; attentionMask: number[][]; labels: number[][] } {
  const { golden } = loadFixture(NAME);
  const pick = <T>(rows: T[][]): T[][] => [rows[0], rows[1], rows[2], rows[1]];
  const labels = pick(golden.labels).map((row, i) => row.map((t, j) => (j < labelled[i] ? t : -100)));
  return { inputIds: pick(golden.input_ids), attentionMask: pick(golden.attention_mask), labels };
}

/** STEPS steps' batches, the same four rows every step, as [STEPS·M·b, ...] feeds. */
function feeds(labelled: readonly number[]): Record<string, Int32Array> {
  const { inputIds, attentionMask, labels } = rowsOf(labelled);
  const repeat = (rows: number[][]): Int32Array =>
    Int32Array.from(Array.from({ length: STEPS }, () => rows.flat()).flat());
  return { input_ids: repeat(inputIds), attention_mask: repeat(attentionMask), labels: repeat(labels) };
}

type Options = Partial<
  Pick<CompileSpec, 'mode' | 'accumulationMode' | 'update' | 'graphDevice' | 'optimizer' | 'providers'>
> & {
  readonly k?: number;
};

/** A spec of `rows` rows per micro-batch and `accumulation` micro-batches per step. */
function specOf(rows: number, accumulation: number, options: Options): CompileSpec {
  const { config, golden } = loadFixture(NAME);
  const shapes = { batchSize: rows, inputLength: golden.input_ids[0].length, targetLength: golden.labels[0].length };
  return {
    ...t5TrainingSpec(config, shapes, { dropoutRate: 0 }),
    optimizer: options.optimizer ?? { kind: 'adamw', weightDecay: 0.01 },
    schedule: { kind: 'constant', peakLr: 3e-3, warmupSteps: 0 },
    clipNorm: 1,
    accumulation,
    k: options.k ?? 1,
    mode: options.mode,
    accumulationMode: options.accumulationMode,
    update: options.update,
    graphDevice: options.graphDevice,
    providers: options.providers,
  };
}

interface Trained {
  readonly losses: number[];
  readonly gradNorms: number[];
  readonly params: Readonly<Record<string, HostTensor>>;
  /** Where the update ran, and on which provider. */
  readonly update: string;
}

/** STEPS steps of the same rows from the fixture's weights: losses, norms and the parameters after. */
async function trained(spec: CompileSpec, labelled: readonly number[] = UNEQUAL): Promise<Trained> {
  const { weights } = loadFixture(NAME);
  const program = await compile(spec);
  try {
    program.setParams(Object.fromEntries(weights.params));
    const all = feeds(labelled);
    const k = spec.k;
    const results: StepResult[] = [];
    const perCall = (a: Int32Array): number => a.length / (STEPS / k);
    for (let c = 0; c < STEPS / k; c++) {
      const batch = Object.fromEntries(
        Object.entries(all).map(([name, a]) => [name, a.subarray(c * perCall(a), (c + 1) * perCall(a))]),
      );
      results.push(await program.step(batch));
    }
    const state: TrainingState = await program.getState();
    return {
      losses: results.flatMap((r) => [...r.losses]),
      gradNorms: results.flatMap((r) => [...r.gradNorms]),
      params: state.params,
      update: `${program.update} on ${program.placement.provider}`,
    };
  } finally {
    await program.release();
  }
}

/**
 * Largest relative differences allowed: float32 sums in another order (CPU), or a GPU's arithmetic.
 * Parameters get more room than the loss and the gradient norm: Adam moves a coordinate whose
 * gradient is near 0 by about lr whatever its size, so the sign a sum in another order gives it
 * shows. Measured (3 steps): every tensor ≤ 2.6e-7 apart, except the relu decoder's wo in the
 * no-label case, 2.04e-6 on an AVX2-only AMD EPYC (under 2e-6 on the AVX-512 machines before).
 * The objectives this file tells apart differ in the loss by ~7e-3.
 */
const CPU_TOLERANCE = { loss: 1e-6, norm: 2e-6, params: 1e-5 };

function expectSameSteps(accumulated: Trained, big: Trained, tolerance = CPU_TOLERANCE): void {
  expectClose(accumulated.losses, big.losses, tolerance.loss, 'losses');
  expectClose(accumulated.gradNorms, big.gradNorms, tolerance.norm, 'grad norms');
  for (const [name, t] of Object.entries(big.params)) {
    const a = accumulated.params[name].data as Float32Array;
    const b = t.data as Float32Array;
    // Adam divides by √v, so compare each tensor as a whole: ‖a − b‖ / ‖b‖.
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < b.length; i++) {
      diff += (a[i] - b[i]) ** 2;
      norm += b[i] ** 2;
    }
    expect(Math.sqrt(diff / norm), `parameter ${name}`).toBeLessThan(tolerance.params);
  }
}

describe('accumulated micro-batches with unequal labelled tokens equal one batch of their rows', () => {
  const cases: [string, Options][] = [
    ['host update (AdamW)', {}],
    ['host update (Adafactor)', { optimizer: { kind: 'adafactor', beta1: 0.9 } }],
    ['graph update, one step per run', { update: 'graph' }],
    ['K = 3 steps in a Loop, micro-batches in an inner Loop', { k: 3, mode: 'loop' }],
    ['micro-batches unrolled, graph shaped for a GPU', { accumulationMode: 'unroll', graphDevice: 'gpu' }],
  ];
  for (const [what, options] of cases) {
    it(what, async () => {
      const big = await trained(specOf(ROWS, 1, options));
      const accumulated = await trained(specOf(ROWS / 2, 2, options));
      expect(accumulated.update).toBe(big.update);
      // The rows' mean over all labelled tokens differs from the mean of the two micro-batches'
      // means by far more than the tolerance, so this compares the objectives.
      expect(big.gradNorms[0]).toBeGreaterThan(1); // clipping (at 1) was on
      expectSameSteps(accumulated, big);
    });
  }
});

describe('accumulation on WebGPU (lavapipe here)', () => {
  it('micro-batches unrolled in one step per run, the state on the device', async () => {
    const options = { providers: ['webgpu' as const] };
    const big = await trained(specOf(ROWS, 1, options));
    const accumulated = await trained(specOf(ROWS / 2, 2, options));
    expect([accumulated.update, big.update]).toEqual(['graph on webgpu', 'graph on webgpu']);
    // Measured here: ~1e-7 apart; the bug this guards against moved the loss by ~7e-3.
    expectSameSteps(accumulated, big, { loss: 1e-5, norm: 1e-5, params: 1e-5 });
  });
});

describe('accumulation where micro-batches have no labelled token', () => {
  it("a micro-batch without labels adds nothing: the step is the other one's", async () => {
    const labelled = [7, 10, 0, 0];
    const big = await trained(specOf(ROWS, 1, {}), labelled);
    const accumulated = await trained(specOf(ROWS / 2, 2, {}), labelled);
    expectSameSteps(accumulated, big);
  });

  it('a step without any label has loss and gradient 0, not NaN (N = 0)', async () => {
    const labelled = [0, 0, 0, 0];
    for (const options of [{}, { update: 'graph' as const }, { k: 3, mode: 'loop' as const }]) {
      const accumulated = await trained(specOf(ROWS / 2, 2, options), labelled);
      expect(accumulated.losses).toEqual([0, 0, 0]);
      expect(accumulated.gradNorms).toEqual([0, 0, 0]);
      const { weights } = loadFixture(NAME);
      for (const [name, t] of Object.entries(accumulated.params)) {
        const data = t.data as Float32Array;
        // Only decoupled weight decay moves a parameter: θ·(1 − lr·λ) each step, never NaN.
        expect(data.every(Number.isFinite), name).toBe(true);
        const before = weights.params.get(name) as Float32Array;
        expect(Math.abs(data[0]), name).toBeLessThanOrEqual(Math.abs(before[0]));
      }
    }
  });
});
