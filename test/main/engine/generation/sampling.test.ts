// Seeded sampling with temperature, top-k and top-p, through generate() and the sampler itself.
import { describe, expect, it } from 'vitest';
import { generate } from '../../../../src/main/engine/generation/generate';
import { sampler } from '../../../../src/main/engine/generation/sampling';
import type { GenerationOptions } from '../../../../src/main/engine/generation/types';
import { FakeModel, base, greedy } from './fakeModel';

describe('sampling', () => {
  const sample = (seed: number, extra: object = {}): GenerationOptions => ({
    ...base,
    maxNewTokens: 10,
    strategy: { kind: 'sample', seed, ...extra },
  });
  it('is reproducible with a seed and varies across seeds', async () => {
    const model = new FakeModel(50);
    const a = await generate(model, [[1], [2]], sample(42));
    const b = await generate(model, [[1], [2]], sample(42));
    const c = await generate(model, [[1], [2]], sample(43));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });
  it('top-k 1 and a tiny top-p reduce to greedy', async () => {
    const model = new FakeModel(30, 0.3);
    const reference = await generate(model, [[4]], { ...greedy, maxNewTokens: 10 });
    expect(await generate(model, [[4]], sample(1, { topK: 1 }))).toEqual(reference);
    expect(await generate(model, [[4]], sample(2, { topP: 1e-6 }))).toEqual(reference);
  });
  it('top-p keeps the smallest most-likely set reaching p and renormalises', () => {
    // probabilities 0.5, 0.3, 0.15, 0.05: top-p 0.75 keeps {0.5, 0.3} (0.15 + 0.05 ≤ 1 − 0.75).
    const logits = Float32Array.from([0.3, 0.05, 0.5, 0.15].map(Math.log));
    const pick = sampler({ seed: 9, topP: 0.75 }, 4);
    const counts = new Array<number>(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[pick(logits, 0)]++;
    expect(counts[1] + counts[3]).toBe(0);
    expect(counts[2] / 4000).toBeCloseTo(0.5 / 0.8, 1);
    // top-p 0.9 also keeps 0.15: the three most likely sum to 0.95 ≥ 0.9.
    const wider = sampler({ seed: 9, topP: 0.9 }, 4);
    const seen = new Set(Array.from({ length: 2000 }, () => wider(logits, 0)));
    expect([...seen].sort()).toEqual([0, 2, 3]);
  });
  it('never draws a token outside the top-k, and follows the temperature', () => {
    const logits = Float32Array.from([0, 3, 1, 2.9, -1]);
    const pickK = sampler({ seed: 5, topK: 2 }, 5);
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 2000; i++) counts[pickK(logits, 0)]++;
    expect(counts[0] + counts[2] + counts[4]).toBe(0);
    expect(counts[1] / 2000).toBeCloseTo(Math.exp(3) / (Math.exp(3) + Math.exp(2.9)), 1);
    const cold = sampler({ seed: 5, temperature: 0.01 }, 5);
    for (let i = 0; i < 50; i++) expect(cold(logits, 0)).toBe(1);
  });
});
