// The playground handlers as the engine host runs them: the cancel signal reaches the
// generation (a cancelled fill rejects with AbortError, which the host reports as
// cancelled), and errors caused by the person's input become invalid_input.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { playgroundHostHandlers } from '../../../../src/main/host/handlers/playground';
import type { HostContext } from '../../../../src/main/host/handler';

const SPM = path.join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
const prompt = 'The <extra_id_0> walks in <extra_id_1> park';

function context(signal: AbortSignal = new AbortController().signal): HostContext {
  return { signal, emit: () => undefined };
}

describe('playground host handlers', () => {
  const fill = playgroundHostHandlers['playground.fill'];
  const score = playgroundHostHandlers['playground.score'];
  if (fill === undefined || score === undefined) throw new Error('playground handlers are not registered');

  it('fill generates with the request signal, and stops when it is aborted', async () => {
    const request = { modelDir: SPM, prompt, strategy: { kind: 'greedy' } as const, maxNewTokens: 8 };
    const filled = await fill(request, context());
    expect(filled.spans.map((s) => s.sentinel)).toEqual([0, 1]);
    const controller = new AbortController();
    controller.abort();
    await expect(fill(request, context(controller.signal))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('turns a missing model folder or case file into invalid_input naming it', async () => {
    const missing = path.join(SPM, 'no-such-model');
    await expect(
      fill({ modelDir: missing, prompt, strategy: { kind: 'greedy' }, maxNewTokens: 8 }, context()),
    ).rejects.toMatchObject({ code: 'invalid_input', message: `Model folder ${missing} does not exist` });
    const noCase = path.join(SPM, 'none.json');
    await expect(score({ modelDir: SPM, case: noCase }, context())).rejects.toMatchObject({
      code: 'invalid_input',
      message: `Case file ${noCase} does not exist`,
    });
  });
});
