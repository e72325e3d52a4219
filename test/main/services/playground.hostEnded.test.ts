// A fill or score whose engine host ended under it (killed, or crashed) says so and what to do:
// the next one starts a new host (EngineHostManager does), so filling again is the way on.
// Any other failure comes back as it was.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostRequester } from '../../../src/main/services/engine-host';
import { PlaygroundService } from '../../../src/main/services/playground';
import type { PlaygroundRepository } from '../../../src/main/store/playground';
import type { SettingsRepository } from '../../../src/main/store/settings';
import { ApiError } from '../../../src/shared/errors';

/** A playground whose engine answers every request with `error`. */
function failingWith(error: Error): PlaygroundService {
  const engine: HostRequester = { request: () => Promise.reject(error) };
  const unused = {} as PlaygroundRepository & SettingsRepository;
  return new PlaygroundService({ engine, prompts: unused, settings: unused });
}

const modelDir = '/models/m';
const fill = { modelDir, prompt: 'a <extra_id_0> b', strategy: { kind: 'greedy' as const }, maxNewTokens: 8 };

describe('playground: the engine host ends under a fill', () => {
  it('says the fill stopped with it, and that filling again starts a new one', async () => {
    const playground = failingWith(new ApiError('unavailable', 'The engine host was killed by SIGKILL'));
    await expect(playground.fill(fill)).rejects.toEqual(
      new ApiError(
        'unavailable',
        'The engine host was killed by SIGKILL; the fill stopped with it. Filling again starts a new engine host',
      ),
    );
  });

  it('says the same of a score, and of a host that exited', async () => {
    const playground = failingWith(new ApiError('unavailable', 'The engine host exited with code 1: boom'));
    const score = playground.score({
      modelDir,
      case: path.join(__dirname, '../../fixtures/t5/t5-tiny-relu/case.json'),
    });
    await expect(score).rejects.toEqual(
      new ApiError(
        'unavailable',
        'The engine host exited with code 1: boom; the score stopped with it. Scoring again starts a new engine host',
      ),
    );
  });

  it('passes any other failure on as it came', async () => {
    const refused = new ApiError('invalid_input', 'No model in /models/m');
    await expect(failingWith(refused).fill(fill)).rejects.toBe(refused);
  });
});
