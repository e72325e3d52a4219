// The playground service over a real engine host: a fill runs in the host with a relative
// model folder resolved here, a cancelled request rejects as cancelled and leaves the host
// usable, and a score comes back with the case's golden greedy ids.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EngineHostManager, type HostRequester } from '../../../src/main/services/engine-host';
import { EventBus } from '../../../src/main/services/events';
import { PlaygroundService } from '../../../src/main/services/playground';

const FIXTURES = path.join(__dirname, '../../fixtures/t5');
const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
const manager = new EngineHostManager({ events: new EventBus() });
afterAll(() => manager.stop());

describe('playground service', () => {
  const sent: { type: string; payload: unknown }[] = [];
  const engine: HostRequester = {
    request: (type, payload, options) => {
      sent.push({ type, payload });
      return manager.request(type, payload, options);
    },
  };
  const playground = new PlaygroundService({ engine });

  it('fills in the engine host, with the model folder made absolute', async () => {
    const relative = path.relative(process.cwd(), path.join(FIXTURES, 't5-tiny-spm'));
    const request = { modelDir: relative, prompt, strategy: { kind: 'greedy' } as const, maxNewTokens: 8 };
    const filled = await playground.fill(request);
    expect(filled.spans.map((s) => s.sentinel)).toEqual([0, 1]);
    expect(sent.at(-1)).toEqual({
      type: 'playground.fill',
      payload: { ...request, modelDir: path.join(FIXTURES, 't5-tiny-spm') },
    });
  });

  it('a cancelled fill rejects as cancelled and the host still answers', async () => {
    const controller = new AbortController();
    const modelDir = path.join(FIXTURES, 't5-tiny-spm');
    const pending = playground.fill(
      { modelDir, prompt, strategy: { kind: 'greedy' }, maxNewTokens: 64 },
      controller.signal,
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
    const golden = JSON.parse(readFileSync(path.join(FIXTURES, 't5-tiny-relu', 'case.json'), 'utf8')) as {
      greedy: { output_ids: number[] };
    };
    const scored = await playground.score({
      modelDir: path.join(FIXTURES, 't5-tiny-relu'),
      case: path.join(FIXTURES, 't5-tiny-relu', 'case.json'),
    });
    expect(scored.greedy).toEqual(golden.greedy.output_ids);
  });
});
