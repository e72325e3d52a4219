// DeviceCacheDecoding's bookkeeping against a fake decoder step (and cache reorder) that
// returns fake device tensors: each step feeds back exactly the previous run's caches, every
// device tensor is disposed once and only after its last use (no leak per token, none on
// close), and reorders reach the reorder graph as one composed row order, only when one moves
// a row. The real graphs are checked in golden.test.ts.
import { describe, expect, it } from 'vitest';
import type { DeviceTensor, Feed, HostTensor } from '../../../../src/main/engine/onnx/session';
import type { T5Config } from '../../../../src/main/engine/t5/config';
import { parseT5Config } from '../../../../src/main/engine/t5/config';
import { DeviceCacheDecoding } from '../../../../src/main/engine/t5/decoding';
import { crossNames, pastKeyName, presentNames, ROW_ORDER } from '../../../../src/main/engine/t5/inference';

const config: T5Config = parseT5Config({ d_model: 8, d_kv: 2, num_heads: 2, num_layers: 2, vocab_size: 5 });
const ROWS = 3;

/** A decoder step (or cache reorder) that records its feeds and hands out numbered device tensors. */
class FakeStep {
  readonly feeds: Record<string, Feed>[] = [];
  /** Ids of fake device tensors in the order they were disposed. */
  readonly disposed: number[] = [];
  private made = 0;

  device(): DeviceTensor {
    const id = this.made++;
    const { disposed } = this;
    return {
      kind: 'device',
      dtype: 'float32',
      dims: [ROWS],
      handle: id,
      download: () => Promise.reject(new Error('a cache was downloaded')),
      dispose: () => disposed.push(id),
    };
  }

  async run(feeds: Readonly<Record<string, Feed>>): Promise<Record<string, HostTensor | DeviceTensor>> {
    this.feeds.push({ ...feeds });
    const out: Record<string, HostTensor | DeviceTensor> = {
      logits: { dtype: 'float32', dims: [ROWS, config.vocabSize], data: new Float32Array(ROWS * config.vocabSize) },
    };
    for (const name of presentNames(config)) out[name] = this.device();
    return out;
  }
}

const handleOf = (feed: Feed): unknown => ('kind' in feed ? feed.handle : 'host');
const rowOrder = (feeds: Record<string, Feed>): number[] => [...((feeds[ROW_ORDER] as HostTensor).data as Int32Array)];

/** A session whose step and cache reorder are the same fake; `onReorderer` counts asks for the reorder. */
function open(
  maxSteps = 4,
  onReorderer = (): void => undefined,
): { fake: FakeStep; session: DeviceCacheDecoding; cross: DeviceTensor[] } {
  const fake = new FakeStep();
  const cross = crossNames(config).map(() => fake.device());
  const fixed = Object.fromEntries(crossNames(config).map((name, i) => [name, cross[i]]));
  const positionTable = new Float32Array(config.relativeAttentionNumBuckets * config.numHeads);
  const reorderer = (): Promise<FakeStep> => {
    onReorderer();
    return Promise.resolve(fake);
  };
  return {
    fake,
    session: new DeviceCacheDecoding(config, fake, fixed, ROWS, maxSteps, positionTable, reorderer),
    cross,
  };
}

describe('DeviceCacheDecoding', () => {
  it('feeds back the previous step caches and disposes each once, after its last use', async () => {
    const { fake, session, cross } = open();
    const caches = presentNames(config).length; // 2 per layer
    await session.step([0, 0, 0]);
    expect(handleOf(fake.feeds[0][pastKeyName(0)])).toBe('host'); // zeros before the first step
    expect(fake.disposed).toEqual([]);
    for (let step = 1; step < 4; step++) {
      await session.step([1, 2, 3]);
      const fedPast = fake.feeds[step][pastKeyName(0)];
      // Step s produced ids cross.length + (s − 1)·caches …; the key of layer 0 comes first.
      expect(handleOf(fedPast)).toBe(cross.length + (step - 1) * caches);
      // After step s only the caches it produced are alive: the ones it was fed are gone.
      const fed = Array.from({ length: caches }, (_, i) => cross.length + (step - 1) * caches + i);
      expect(fake.disposed.slice(-caches)).toEqual(fed);
    }
    await session.close();
    await session.close();
    const everything = Array.from({ length: cross.length + 4 * caches }, (_, i) => i);
    expect([...fake.disposed].sort((a, b) => a - b)).toEqual(everything);
    await expect(session.step([0, 0, 0])).rejects.toThrow('This decoding session is closed');
  });

  it('gathers rows in the reorder graph before the next step, one composed order, only when one moves a row', async () => {
    let asked = 0;
    const { fake, session, cross } = open(4, () => asked++);
    session.reorder([2, 1, 0]); // before the first step: every cache is zeros, nothing to gather
    await session.step([0, 0, 0]);
    session.reorder([1, 1, 0]); // rows ← (b, b, a)
    session.reorder([2, 0, 0]); // rows ← (a, b, b) of that
    await session.step([0, 0, 0]);
    session.reorder([0, 1, 2]); // the identity
    await session.step([0, 0, 0]);
    const runs = fake.feeds.map((feeds) => (ROW_ORDER in feeds ? `reorder ${rowOrder(feeds).join(',')}` : 'step'));
    expect(runs).toEqual(['step', 'reorder 0,1,1', 'step', 'step']);
    expect(asked).toBe(1);
    // The reorder takes the first step's caches and the second step gets the reorder's.
    const caches = presentNames(config).length;
    expect(handleOf(fake.feeds[1][pastKeyName(0)])).toBe(cross.length);
    expect(handleOf(fake.feeds[2][pastKeyName(0)])).toBe(cross.length + caches);
    await session.close();
    const everything = Array.from({ length: cross.length + 4 * caches }, (_, i) => i);
    expect([...fake.disposed].sort((a, b) => a - b)).toEqual(everything);
  });

  it('refuses a step past the cache size', async () => {
    const { session } = open(1);
    await session.step([0, 0, 0]);
    await expect(session.step([0, 0, 0])).rejects.toThrow('Decoder cache holds 1 steps; step 2 asked for more');
    await session.close();
  });
});
