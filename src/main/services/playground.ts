// Playground service: filling a prompt's holes and scoring a case file with a model folder,
// and the Playground's memory (the prompt history and the screen as it was left) in the store.
// The work runs in the engine host (host/handlers/playground.ts), so a long generation never
// blocks main and a cancelled one stops there: the caller's AbortSignal (aborted when its
// connection closes) or stop(), the Playground's Stop. Paths must be full (fullPaths.ts): a
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
import type { DomainHandlers } from './handler';
import { refuseRelativePaths } from './fullPaths';

/** The settings key of the screen as it was left. */
export const SCREEN_SETTING = 'playground.screen';

export interface PlaygroundDeps {
  readonly engine: HostRequester;
  readonly prompts: PlaygroundRepository;
  readonly settings: SettingsRepository;
}

export class PlaygroundService {
  /** One per fill or score in the engine host now, for stop(). */
  private readonly running = new Set<AbortController>();

  constructor(private readonly deps: PlaygroundDeps) {}

  /** `modelDir`: a full path (fullPaths.ts), as for score. */
  async fill(request: PlaygroundFillRequest, signal?: AbortSignal): Promise<PlaygroundFillResult> {
    refuseRelativePaths([request.modelDir]);
    return this.stoppable(signal, (either) => this.deps.engine.request('playground.fill', request, { signal: either }));
  }

  /**
   * Cancels every fill and score running (whoever asked: a second tab's too); each rejects as
   * cancelled. Returns how many it cancelled.
   */
  stop(): number {
    const stopped = [...this.running].filter((work) => !work.signal.aborted);
    for (const work of stopped) work.abort(new ApiError('cancelled', 'Stopped'));
    return stopped.length;
  }

  /** Runs `work` with a signal that aborts on the caller's `signal` or on stop(). */
  private async stoppable<T>(signal: AbortSignal | undefined, work: (either: AbortSignal) => Promise<T>): Promise<T> {
    const stop = new AbortController();
    this.running.add(stop);
    try {
      return await work(signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]));
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

  /** `modelDir` and `case`: full paths; a relative one would be this process's working folder. */
  async score(request: PlaygroundScoreRequest, signal?: AbortSignal): Promise<PlaygroundScoreResult> {
    refuseRelativePaths([request.modelDir, request.case]);
    this.checkCase(request.case);
    const payload = { modelDir: request.modelDir, case: request.case };
    return this.stoppable(signal, (either) =>
      this.deps.engine.request('playground.score', payload, { signal: either }),
    );
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

export function playgroundHandlers(services: { readonly playground: PlaygroundService }): DomainHandlers<'playground'> {
  const { playground } = services;
  return {
    'playground.fill': (args, call) => playground.fill(args, call?.signal),
    'playground.score': (args, call) => playground.score(args, call?.signal),
    'playground.stop': async () => ({ stopped: playground.stop() }),
    'playground.saved': async () => playground.saved(),
    'playground.remember': async ({ prompt }) => playground.remember(prompt),
    'playground.forgetHistory': async () => playground.forgetHistory(),
    'playground.keepScreen': async ({ screen }) => playground.keepScreen(screen),
  };
}
