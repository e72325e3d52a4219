// Oracle tests against the float64 PyTorch references in test/fixtures/t5 (case.json): loss,
// logits and greedy ids of the teacher-forced graph and the KV-cache runtime; cache decoding
// versus full recomputation; beam 1 and seeded sampling through the real model.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beamSearch } from '../../../../src/main/engine/generation/beam';
import type { T5Config } from '../../../../src/main/engine/t5/config';
import type { DecodingSession, Seq2SeqGenerator } from '../../../../src/main/engine/generation/types';
import { readAllTensors } from '../../../../src/main/engine/formats/safetensors';
import type { CacheMode } from '../../../../src/main/engine/t5/inference';
import type { ScoreResult } from '../../../../src/main/engine/t5/score';
import { scoreBatch } from '../../../../src/main/engine/t5/score';
import type { T5RuntimeOptions } from '../../../../src/main/engine/t5/runtime';
import { T5Runtime } from '../../../../src/main/engine/t5/runtime';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import type { GoldenCase } from './helpers';
import { FIXTURES, maxAbsDiff, readCase, relativeError } from './helpers';
import { elementCount } from '../../../../src/main/engine/shape';

/** Teacher-forced loss and logits through the training graph (dropout off). */
function teacherForced(
  config: T5Config,
  params: ReadonlyMap<string, Float32Array>,
  batch: { input_ids: number[][]; attention_mask: number[][]; labels: number[][] },
): Promise<ScoreResult> {
  return scoreBatch(config, params, {
    inputIds: batch.input_ids,
    attentionMask: batch.attention_mask,
    labels: batch.labels,
  });
}

/** Wraps a generator and records the logits of every step (rows concatenated). */
class Recording implements Seq2SeqGenerator {
  readonly steps: Float32Array[] = [];
  constructor(private readonly inner: Seq2SeqGenerator) {}
  get vocabSize(): number {
    return this.inner.vocabSize;
  }
  async start(
    prompts: readonly (readonly number[])[],
    rowPrompt: readonly number[],
    maxSteps: number,
  ): Promise<DecodingSession> {
    const session = await this.inner.start(prompts, rowPrompt, maxSteps);
    return {
      rows: session.rows,
      step: async (tokens) => {
        const logits = await session.step(tokens);
        this.steps.push(logits);
        return logits;
      },
      reorder: (order) => session.reorder(order),
      close: () => session.close(),
    };
  }
}

/**
 * A generator without any cache: every step re-runs the teacher-forced graph on each row's
 * whole history. Beam search over it must equal beam search over the cached runtime, which
 * checks the runtime's cache reordering.
 */
class Recompute implements Seq2SeqGenerator {
  constructor(
    private readonly config: T5Config,
    private readonly params: ReadonlyMap<string, Float32Array>,
  ) {}
  get vocabSize(): number {
    return this.config.vocabSize;
  }
  async start(prompts: readonly (readonly number[])[], rowPrompt: readonly number[]): Promise<DecodingSession> {
    const width = Math.max(...prompts.map((p) => p.length));
    const inputIds = rowPrompt.map((b) => [...prompts[b], ...new Array<number>(width - prompts[b].length).fill(0)]);
    const attentionMask = rowPrompt.map((b) =>
      prompts[b].map(() => 1).concat(new Array<number>(width - prompts[b].length).fill(0)),
    );
    let histories = rowPrompt.map(() => [] as number[]);
    const { config, params } = this;
    const v = config.vocabSize;
    return {
      rows: rowPrompt.length,
      async step(tokens) {
        histories.forEach((h, r) => h.push(tokens[r]));
        // labels shifted right give decoder inputs = the history; the last label is a placeholder.
        const labels = histories.map((h) => [...h.slice(1), 0]);
        const { logits } = await scoreBatch(config, params, { inputIds, attentionMask, labels });
        const t = histories[0].length;
        const out = new Float32Array(rowPrompt.length * v);
        histories.forEach((_, r) => out.set(logits.subarray((r * t + t - 1) * v, (r * t + t) * v), r * v));
        return out;
      },
      reorder(order) {
        histories = order.map((r) => [...histories[r]]);
      },
      async close() {},
    };
  }
}

/** The KV-cache runtimes under test, on the CPU: the cache mode and what the graphs are built for. */
const RUNTIMES: Readonly<Record<string, T5RuntimeOptions & { cache: CacheMode }>> = {
  'host cache': { cache: 'host' },
  // Whole caches out and back in each token, as on WebGPU.
  'device cache': { cache: 'device' },
  // The graphs WebGPU gets (stacked q/k/v projections, fused residual norms).
  'device cache, GPU graphs': { cache: 'device', graphDevice: 'gpu' },
};
const RUNTIME_NAMES = Object.keys(RUNTIMES);

for (const name of ['t5-tiny-relu', 't5-tiny-gated']) {
  describe(`golden ${name}`, () => {
    let golden: GoldenCase;
    let model: ReturnType<typeof loadT5Model>;
    /** The default runtime (a host cache, the CPU's graphs). */
    let runtime: T5Runtime;
    const runtimes = new Map<string, T5Runtime>();
    const runtimeFor = (variant: string): T5Runtime => runtimes.get(variant) as T5Runtime;
    beforeAll(() => {
      golden = readCase(name);
      model = loadT5Model(join(FIXTURES, name));
      runtime = new T5Runtime(model.config, model.weights.params);
      for (const [variant, options] of Object.entries(RUNTIMES))
        runtimes.set(variant, new T5Runtime(model.config, model.weights.params, options));
    });
    afterAll(async () => {
      await runtime.release();
      for (const r of runtimes.values()) await r.release();
    });

    it('loss and logits match the reference within 1e-5 relative', async () => {
      const { loss, logits } = await teacherForced(model.config, model.weights.params, golden);
      expect(Math.abs(loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
      expect(logits.length).toBe(elementCount(golden.logits_shape));
      expect(relativeError(logits, golden.logits)).toBeLessThan(1e-5);
      const scale = Math.max(...golden.logits.map(Math.abs));
      expect(maxAbsDiff(logits, golden.logits) / scale).toBeLessThan(1e-5);
    });

    // WebGPU runs on Mesa's lavapipe where there is no GPU (.ci/run installs it); each provider
    // gets the graph built for its device, and the CPU also runs the GPU's (Gemm, stacked q/k/v).
    it.each([
      ['cpu', 'cpu'],
      ['webgpu', 'gpu'],
      ['cpu', 'gpu'],
    ] as const)(
      'every parameter gradient is within 1e-4 relative of the reference (%s, graph for the %s)',
      async (provider, graphDevice) => {
        const reference = readAllTensors(join(FIXTURES, name, 'grads.safetensors'));
        const batch = { inputIds: golden.input_ids, attentionMask: golden.attention_mask, labels: golden.labels };
        const result = await scoreBatch(model.config, model.weights.params, batch, {
          withGradients: true,
          providers: [provider],
          graphDevice,
        });
        expect(result.provider).toBe(provider);
        expect([...result.gradients.keys()].sort()).toEqual([...reference.keys()].sort());
        const errors = [...result.gradients].map(([param, g]) => ({
          param,
          error: relativeError(g, (reference.get(param) as { data: Float32Array }).data),
        }));
        expect(errors.filter((e) => !(e.error < 1e-4))).toEqual([]);
        for (const [param, norm] of Object.entries(golden.grad_norms))
          expect(Math.abs(result.gradNorms[param] - norm) / norm).toBeLessThan(1e-4);
      },
    );

    it.each(RUNTIME_NAMES)('greedy decoding with the KV cache reproduces the reference ids (%s)', async (variant) => {
      const { greedy } = golden;
      expect(await runtimeFor(variant).cacheMode()).toBe(RUNTIMES[variant].cache);
      const result = await runtimeFor(variant).generate([greedy.input_ids[0]], {
        strategy: { kind: 'greedy' },
        maxNewTokens: greedy.max_new_tokens,
      });
      expect(result.sequences[0]).toEqual(greedy.output_ids);
    });

    it.each(RUNTIME_NAMES)(
      'KV-cache logits equal full recomputation for 20 steps, for every row of a batch (%s)',
      async (variant) => {
        const prompts = golden.input_ids.map((row, b) => row.filter((_, t) => golden.attention_mask[b][t] === 1));
        const rows = prompts.map((_, b) => b);
        const recording = new Recording(runtimeFor(variant));
        const session = await recording.start(prompts, rows, 20);
        const tokens: number[][] = rows.map(() => []);
        let fed = rows.map(() => 0);
        for (let step = 0; step < 20; step++) {
          const logits = await session.step(fed);
          // Force a fixed, varied continuation so every position is exercised (EOS included).
          fed = rows.map((row) => (7 * step + 3 * row + 1) % model.config.vocabSize);
          tokens.forEach((t, row) => t.push(fed[row]));
          expect(logits.length).toBe(rows.length * model.config.vocabSize);
        }
        const full = await teacherForced(model.config, model.weights.params, {
          input_ids: golden.input_ids,
          attention_mask: golden.attention_mask,
          labels: tokens,
        });
        const v = model.config.vocabSize;
        let worst = 0;
        for (let step = 0; step < 20; step++) {
          for (const row of rows) {
            const cached = recording.steps[step].subarray(row * v, (row + 1) * v);
            const reference = full.logits.subarray((row * 20 + step) * v, (row * 20 + step + 1) * v);
            worst = Math.max(worst, maxAbsDiff(cached, reference));
          }
        }
        expect(worst).toBeLessThanOrEqual(1e-5);
      },
    );

    it.each(RUNTIME_NAMES)(
      'beam search over the KV cache equals beam search with full recomputation (%s)',
      async (variant) => {
        const prompts = [golden.greedy.input_ids[0], [5, 6, 7, 1]];
        const options = { maxNewTokens: 6, decoderStartTokenId: 0, eosTokenId: 1, padTokenId: 0 };
        const strategy = { kind: 'beam', numBeams: 3, lengthPenalty: 0.7 } as const;
        const cached = await beamSearch(runtimeFor(variant), prompts, { ...options, strategy });
        const recomputed = await beamSearch(new Recompute(model.config, model.weights.params), prompts, {
          ...options,
          strategy,
        });
        expect(cached.sequences).toEqual(recomputed.sequences);
        cached.scores?.forEach((score, i) => expect(score).toBeCloseTo(recomputed.scores?.[i] ?? NaN, 4));
      },
    );

    // WebGPU runs on Mesa's lavapipe where there is no GPU (.ci/run installs it).
    it('on WebGPU the device cache generates the CPU ids, greedy and with beams', async () => {
      const webgpu = new T5Runtime(model.config, model.weights.params, { providers: ['webgpu'] });
      try {
        expect(await webgpu.cacheMode()).toBe('device');
        const prompts = [golden.greedy.input_ids[0], [5, 6, 7, 1]];
        const beams = { kind: 'beam', numBeams: 3, lengthPenalty: 0.7 } as const;
        for (const strategy of [{ kind: 'greedy' } as const, beams]) {
          const options = { strategy, maxNewTokens: 8 };
          const [gpu, cpu] = [await webgpu.generate(prompts, options), await runtime.generate(prompts, options)];
          expect(gpu.sequences, strategy.kind).toEqual(cpu.sequences);
          cpu.scores?.forEach((score, i) => expect(gpu.scores?.[i]).toBeCloseTo(score, 4));
        }
        expect((await webgpu.placements()).decoderStep.provider).toBe('webgpu');
      } finally {
        await webgpu.release();
      }
    });

    it('one compiled encoder/decoder pair serves every prompt length, row count and budget', async () => {
      const fresh = new T5Runtime(model.config, model.weights.params);
      const session = await fresh.start([[5, 6, 7]], [0], 4);
      const first = await session.step([0]);
      for (const length of [9, 17, 25]) {
        const other = await fresh.start([new Array<number>(length).fill(3), [4]], [0, 0, 1], 2 + length);
        expect((await other.step([0, 0, 0])).length).toBe(3 * model.config.vocabSize);
        await other.close();
      }
      await session.step([first.indexOf(Math.max(...first))]);
      expect(fresh.compiledGraphs).toBe(2);
      await expect(session.close().then(() => session.step([0]))).rejects.toThrow('This decoding session is closed');
      await fresh.release();
    });

    it('beam search with one beam equals greedy; seeded sampling is reproducible', async () => {
      const prompt = golden.greedy.input_ids[0];
      const options = { maxNewTokens: 12, decoderStartTokenId: 0, eosTokenId: 1, padTokenId: 0 };
      const greedy = await runtime.generate([prompt], { strategy: { kind: 'greedy' }, maxNewTokens: 12 });
      const beam = await beamSearch(runtime, [prompt], {
        ...options,
        strategy: { kind: 'beam', numBeams: 1, earlyStopping: true },
      });
      expect(beam.sequences).toEqual(greedy.sequences);
      const sample = { kind: 'sample', seed: 11, temperature: 1.3, topP: 0.95, topK: 50 } as const;
      const a = await runtime.generate([prompt, [5, 6, 7]], { strategy: sample, maxNewTokens: 12 });
      const b = await runtime.generate([prompt, [5, 6, 7]], { strategy: sample, maxNewTokens: 12 });
      expect(a).toEqual(b);
      const beams = await runtime.generate([prompt, [5, 6, 7]], {
        strategy: { kind: 'beam', numBeams: 3 },
        maxNewTokens: 12,
      });
      expect(beams.sequences).toHaveLength(2);
      expect(beams.sequences.every((s) => s[0] === 0 && s.length <= 13)).toBe(true);
    });
  });
}
