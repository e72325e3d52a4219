// buildDeviceOf: the one rule from an execution provider to the device its graphs are built
// for (the training step in optim/program.ts, inference in t5/runtime.ts); and HostFields:
// which programs of compile() feed a spec's host fields, by the steps done, and which build
// without them.
import { describe, expect, it } from 'vitest';
import * as op from '../../../../src/main/engine/onnx/ops';
import { PROVIDERS } from '../../../../src/main/engine/onnx/session';
import type { CompileSpec } from '../../../../src/main/engine/optim/program';
import { buildDeviceOf } from '../../../../src/main/engine/optim/spec';
import { batches, K, spec32, trained } from './mlp32';

describe('buildDeviceOf', () => {
  it('builds for the CPU only on the CPU provider, for a GPU on every other', () => {
    for (const provider of PROVIDERS)
      expect(buildDeviceOf(provider), provider).toBe(provider === 'cpu' ? 'cpu' : 'gpu');
  });
});

describe("a spec's host fields", () => {
  /**
   * `base` whose loss is the MLP's plus a host field `shift` holding the steps done (a constant:
   * no gradient); `seen` records, per model build, whether the field was fed, and `asked` the
   * steps its source was asked for. Without a source the program builds the plain MLP.
   */
  function shifted(base: CompileSpec, hasSource: boolean) {
    const asked: number[] = [];
    const seen: boolean[] = [];
    const s: CompileSpec = {
      ...base,
      hostFields: {
        fields: [{ name: 'shift', dtype: 'float32', shape: [] }],
        source: (micro) =>
          hasSource
            ? (step) => {
                asked.push(step);
                return { shift: { dtype: 'float32', dims: [micro], data: new Float32Array(micro).fill(step) } };
              }
            : null,
      },
      build: (g, p, batch, at) => {
        seen.push('shift' in batch);
        const { loss } = base.build(g, p, batch, at);
        return { loss: batch.shift ? op.add(loss, batch.shift) : loss };
      },
    };
    return { s, asked, seen };
  }

  const losses = (r: Awaited<ReturnType<typeof trained>>): number[] => r.results.flatMap((x) => [...x.losses]);

  const adafactor = { optimizer: { kind: 'adafactor' }, stateLayout: 'per-tensor' } as const;
  it.each([
    ['the host update', {}, 'host'],
    ['the graph update', { update: 'graph' }, 'graph'],
    ['Adafactor', adafactor, 'host'],
    ['Adafactor in the graph', { ...adafactor, update: 'graph' }, 'graph'],
    ['2 micro-batches', { accumulation: 2 }, 'host'],
  ] as const)(
    'are fed to the CPU one-step runs of %s, each step its own by the steps done',
    async (_, given, update) => {
      const base = spec32(given);
      const calls = batches(base.accumulation ?? 1);
      const plain = await trained(base, calls);
      const { s, asked, seen } = shifted(base, true);
      const fed = await trained(s, calls);
      expect(fed.update).toBe(update);
      expect(new Set(seen)).toEqual(new Set([true])); // every build of the model (M > 1: two)
      expect(asked).toEqual(Array.from({ length: 2 * K }, (_, i) => i));
      // Each micro-batch's loss carries the shift, and their mean is rounded once more with M > 1.
      const expected = losses(plain).map((loss, i) => loss + i);
      losses(fed).forEach((loss, i) => expect(loss).toBeCloseTo(expected[i], 5));
      expect(fed.state).toEqual(plain.state);
    },
  );

  it.each([
    ['its source declines', {}, false],
    ['the K steps run in one Loop', { mode: 'loop' }, true],
    ['the graph is shaped for a GPU', { graphDevice: 'gpu' }, true],
  ] as const)('are left to the graph when %s', async (_, given, hasSource) => {
    const base = spec32(given);
    const calls = batches(1);
    const { s, asked, seen } = shifted(base, hasSource);
    const unfed = await trained(s, calls);
    expect(new Set(seen)).toEqual(new Set([false]));
    expect(asked).toEqual([]);
    expect(losses(unfed)).toEqual(losses(await trained(base, calls)));
  });
});
