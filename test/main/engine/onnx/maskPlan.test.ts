// Grouped dropout masks (maskPlan.ts) are the masks RandomStream gives request by request, bit
// for bit: small requests (part of a row), empty ones, several rows, requests that share a
// group and ones that cross into the next, rows hashed in chunks or in one chunk for the whole
// plan (with the columns, in one chain); on the CPU and on WebGPU (every node placed); a
// request the plan does not have is refused, naming both.
import { describe, expect, it } from 'vitest';
import { Graph } from '../../../../src/main/engine/onnx/graph';
import { PlannedMasks, planRows, RecordingMasks } from '../../../../src/main/engine/onnx/maskPlan';
import { counterKey, RandomStream } from '../../../../src/main/engine/onnx/random';
import { probeProviders } from '../../../../src/main/engine/onnx/probe';
import { serializeModel } from '../../../../src/main/engine/onnx/serialize';
import { EngineSession } from '../../../../src/main/engine/onnx/session';
import { elementCount } from '../../../../src/main/engine/shape';

const SHAPES = [[3, 5, 7], [2, 3 * 4096], [0, 4], [7], [3, 3 * 4096 - 1], [4099], [5, 4096]];
const THRESHOLD = 102;

const PLAN = { sizes: SHAPES.map(elementCount), threshold: THRESHOLD };

/**
 * The keep masks of SHAPES from one key whose rows are hashed `rowChunk` at a time, grouped (in
 * groups of at most `groupRows` rows) or request by request.
 */
async function masks(grouped: boolean, rowChunk: number, provider: 'cpu' | 'webgpu' = 'cpu', groupRows = rowChunk) {
  const g = new Graph('masks');
  const stream = new RandomStream(counterKey(g, 5, [g.input('step', 'int32', [])]), rowChunk);
  const source = grouped ? new PlannedMasks(stream, PLAN, groupRows) : stream;
  SHAPES.forEach((shape, i) => g.output(source.keep(shape, THRESHOLD), `keep${i}`));
  const session = await EngineSession.create(serializeModel(g), { providers: [provider], recordPlacement: true });
  try {
    const out = await session.runHost({ step: { dtype: 'int32', dims: [], data: Int32Array.of(11) } });
    return {
      values: SHAPES.map((_, i) => Array.from(out[`keep${i}`].data as Uint8Array)),
      provider: session.placement.provider,
      fallbacks: session.nodePlacement().fallbackNodes,
      // Each value hash (mix) has two wraps, each one Less node.
      wraps: g.nodes.filter((n) => n.opType === 'Less').length,
    };
  } finally {
    await session.release();
  }
}

describe('PlannedMasks', () => {
  it('gives the masks of a RandomStream, in groups of a row chunk and across them, with fewer nodes', async () => {
    const single = await masks(false, 4096);
    for (const rowChunk of [4096, 2, 3]) {
      const grouped = await masks(true, rowChunk);
      expect(grouped.values).toEqual(single.values);
    }
    // Rows hashed in one chunk that covers the plan, in groups of 3 rows.
    expect((await masks(true, planRows(PLAN), 'cpu', 3)).values).toEqual(single.values);
    // One value hash for the six non-empty requests (one group of ≤ 4096 rows) instead of one
    // each (the empty request keeps the stream's own), and the columns and rows hashed in one
    // chain of three mixes instead of two chains.
    const nonEmpty = PLAN.sizes.filter((size) => size > 0).length;
    expect(single.wraps - (await masks(true, 4096)).wraps).toBe(2 * (nonEmpty - 1) + 2 * 3);
    expect(single.values[0].some((v) => v === 0) && single.values[0].some((v) => v === 1)).toBe(true);
  });

  it('gives the same masks on WebGPU (lavapipe), every node on it', async () => {
    const webgpu = (await probeProviders()).providers.find((p) => p.name === 'webgpu');
    if (!webgpu?.available)
      throw new Error(`WebGPU is not available here (${webgpu?.reason ?? 'not probed'}); .ci/run installs Mesa ≥ 25`);
    const [cpu, gpu] = [await masks(false, 3), await masks(true, 3, 'webgpu')]; // 3 rows: groups of several requests
    expect([gpu.provider, gpu.fallbacks]).toEqual(['webgpu', []]);
    expect(gpu.values).toEqual(cpu.values);
  });

  it('serves a plan begun on a stream that already gave out rows, from the rows after them', async () => {
    const run = async (isGrouped: boolean) => {
      const g = new Graph('masks');
      const stream = new RandomStream(counterKey(g, 5, [g.input('step', 'int32', [])]), 3);
      g.output(stream.keep([2, 4096 * 3], THRESHOLD), 'before'); // two rows
      const source = isGrouped ? new PlannedMasks(stream, PLAN, 3) : stream;
      SHAPES.forEach((shape, i) => g.output(source.keep(shape, THRESHOLD), `keep${i}`));
      const session = await EngineSession.create(serializeModel(g));
      const out = await session.runHost({ step: { dtype: 'int32', dims: [], data: Int32Array.of(11) } });
      await session.release();
      return SHAPES.map((_, i) => Array.from(out[`keep${i}`].data as Uint8Array));
    };
    expect(await run(true)).toEqual(await run(false));
  });

  it('refuses a request that is not the next one planned, naming both', () => {
    const g = new Graph('masks');
    const planned = new PlannedMasks(new RandomStream(counterKey(g, 1, [])), { sizes: [12], threshold: THRESHOLD });
    expect(() => planned.keep([3, 5], THRESHOLD)).toThrow(
      'PlannedMasks: request 0 is 15 positions at threshold 102; the plan has 12 at threshold 102',
    );
    const other = new PlannedMasks(new RandomStream(counterKey(g, 1, [])), { sizes: [12], threshold: THRESHOLD });
    other.keep([12], THRESHOLD);
    expect(() => other.keep([4], THRESHOLD)).toThrow('request 1 is 4 positions at threshold 102; the plan has none');
  });
});

describe('RecordingMasks', () => {
  it('records the sizes asked for, in order, with their one threshold', () => {
    const g = new Graph('plan');
    const recorder = new RecordingMasks(g);
    const mask = recorder.keep([2, 3], 7);
    recorder.keep([5], 7);
    expect([mask.dtype, mask.shape]).toEqual(['bool', [2, 3]]);
    expect(recorder.plan()).toEqual({ sizes: [6, 5], threshold: 7 });
    expect(() => recorder.keep([1], 8)).toThrow('RecordingMasks: a plan has one threshold; got 8 after 7');
  });
});
