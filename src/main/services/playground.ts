// Playground service: filling a prompt's holes and scoring a case file with a model folder,
// and the Playground's memory (the prompt history and the screen as it was left) in the store.
// The work runs in the engine host (host/handlers/playground.ts), so a long generation never
// blocks main and a cancelled one stops there: the caller's AbortSignal (aborted when its
// connection closes) or stop(), the Playground's Stop, which stops its own caller's work only
// (handler.ts CallContext.caller: a tab's, a window's page). Paths must be full (fullPaths.ts): a
// relative one would be this process's working folder, which over `spanfill serve` nobody
// chose, and the host may not share it.

import {
  maxRememberedPromptChars,
  playgroundHistoryLimit,
  playgroundScreenSchema,
  type PlaygroundFillRequest,
  type PlaygroundFillResult,
  type PlaygroundHistory,
  type PlaygroundSaved,
  type PlaygroundScoreRequest,
  type PlaygroundScoreResult,
  type PlaygroundScreen,
} from '../../shared/contract/playground';
import { ApiError, errorMessage } from '../../shared/errors';
import { readScoreCase } from '../engine/t5/caseFile';
import type { PlaygroundRepository } from '../store/playground';
import type { SettingsRepository } from '../store/settings';
import type { HostRequester } from './engine-host';
import type { CallContext, DomainHandlers } from './handler';
import { refuseRelativePaths } from './fullPaths';
import { HOST_ENDED } from './runsFailure';

/** The settings key of the screen as it was left. */
export const SCREEN_SETTING = 'playground.screen';

export interface PlaygroundDeps {
  readonly engine: HostRequester;
  readonly prompts: PlaygroundRepository;
  readonly settings: SettingsRepository;
}

export class PlaygroundService {
  /** One per fill or score in the engine host now, for stop(), with the caller that asked for it. */
  private readonly running = new Map<AbortController, object | undefined>();

  constructor(private readonly deps: PlaygroundDeps) {}

  /**
   * `modelDir`: a full path (fullPaths.ts), as for score. `call`: its signal and caller (whose
   * stop() stops it); none for the CLI's and this process's own calls.
   */
  async fill(request: PlaygroundFillRequest, call: CallContext = {}): Promise<PlaygroundFillResult> {
    refuseRelativePaths([request.modelDir]);
    const fill = this.stoppable(call, (either) =>
      this.deps.engine.request('playground.fill', request, { signal: either }),
    );
    return fill.catch((error: unknown) => {
      throw whenHostEnded(error, 'the fill', 'Filling');
    });
  }

  /**
   * Cancels the fills and scores that `caller` is running (CallContext.caller), no one else's:
   * two tabs on one server, or two windows, share the engine host, and one's Stop must not end
   * the other's fill. Work asked for with no caller (the CLI, this process's own calls) is one
   * caller's too: stop() with none cancels that, all of a CLI process's. Each cancelled one
   * rejects as cancelled. Returns how many it cancelled.
   */
  stop(caller?: object): number {
    const stopped = [...this.running]
      .filter(([work, owner]) => owner === caller && !work.signal.aborted)
      .map(([work]) => work);
    for (const work of stopped) work.abort(new ApiError('cancelled', 'Stopped'));
    return stopped.length;
  }

  /** Runs `work` with a signal that aborts on the caller's `signal` or on the caller's stop(). */
  private async stoppable<T>(call: CallContext, work: (either: AbortSignal) => Promise<T>): Promise<T> {
    const stop = new AbortController();
    this.running.set(stop, call.caller);
    try {
      return await work(call.signal === undefined ? stop.signal : AbortSignal.any([call.signal, stop.signal]));
    } finally {
      this.running.delete(stop);
    }
  }

  /**
   * Refuses a case file that cannot be read or is not one (invalid_input, naming the file and
   * the field), here in main: quick, and before any model is found or loaded.
   * `casePath`: a full path. The ids are checked against the model's vocabulary with it.
   */
  checkCase(casePath: string): void {
    refuseRelativePaths([casePath]);
    try {
      readScoreCase(casePath);
    } catch (error) {
      throw new ApiError('invalid_input', errorMessage(error));
    }
  }

  /**
   * `modelDir` and `case`: full paths; a relative one would be this process's working folder.
   * `call`: as for fill.
   */
  async score(request: PlaygroundScoreRequest, call: CallContext = {}): Promise<PlaygroundScoreResult> {
    refuseRelativePaths([request.modelDir, request.case]);
    this.checkCase(request.case);
    const payload = { modelDir: request.modelDir, case: request.case };
    const score = this.stoppable(call, (either) =>
      this.deps.engine.request('playground.score', payload, { signal: either }),
    );
    return score.catch((error: unknown) => {
      throw whenHostEnded(error, 'the score', 'Scoring');
    });
  }

  /** The history and the kept screen; a kept screen that no longer reads as one is none. */
  saved(): PlaygroundSaved {
    const screen = playgroundScreenSchema.safeParse(this.deps.settings.get(SCREEN_SETTING));
    return { history: this.history().history, screen: screen.success ? screen.data : null };
  }

  remember(prompt: string): PlaygroundHistory {
    if (prompt.trim() !== '' && prompt.length <= maxRememberedPromptChars) {
      this.deps.prompts.remember(prompt, playgroundHistoryLimit);
    }
    return this.history();
  }

  forgetHistory(): PlaygroundHistory {
    this.deps.prompts.forgetAll();
    return this.history();
  }

  keepScreen(screen: PlaygroundScreen): { readonly kept: true } {
    this.deps.settings.set(SCREEN_SETTING, screen);
    return { kept: true };
  }

  private history(): PlaygroundHistory {
    return { history: this.deps.prompts.prompts(playgroundHistoryLimit) };
  }
}

/**
 * `error`, said with what to do when it is the engine host ending under the work (`what`, killed
 * or crashed): the next request starts a new host (engine-host.ts), so doing it again (`again`)
 * is the way on. Any other error as it came.
 */
function whenHostEnded(error: unknown, what: string, again: string): unknown {
  if (!(error instanceof ApiError) || error.code !== 'unavailable' || !HOST_ENDED.test(error.message)) return error;
  return new ApiError(
    'unavailable',
    `${error.message}; ${what} stopped with it. ${again} again starts a new engine host`,
  );
}

export function playgroundHandlers(services: { readonly playground: PlaygroundService }): DomainHandlers<'playground'> {
  const { playground } = services;
  return {
    'playground.fill': (args, call) => playground.fill(args, call),
    'playground.score': (args, call) => playground.score(args, call),
    'playground.stop': async (_args, call) => ({ stopped: playground.stop(call?.caller) }),
    'playground.saved': async () => playground.saved(),
    'playground.remember': async ({ prompt }) => playground.remember(prompt),
    'playground.forgetHistory': async () => playground.forgetHistory(),
    'playground.keepScreen': async ({ screen }) => playground.keepScreen(screen),
  };
}
