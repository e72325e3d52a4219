// What the Playground keeps across reloads and visits, in the data directory's store: the prompts
// filled lately (playground.remember, .forgetHistory) and the screen as it was left
// (.keepScreen), both read back by playground.saved. Each failure is said in one line shown by
// the recent prompts, and the next success clears it. Not when to read back or what the screen
// is: the store (playground.svelte.ts) decides that and holds the state shown.

import type { Api } from '../../../shared/contract';
import { contractMessages } from '../../../shared/contract/issues';
import {
  playgroundScreenSchema,
  type PlaygroundHistory,
  type PlaygroundScreen,
} from '../../../shared/contract/playground';
import { errorMessage } from '../../../shared/errors';
import { LatestWrite } from './latestWrite';

/**
 * The calls the keeping makes: the store passes lib/api.ts's, tests a fake (this module does not
 * import api.ts, which needs the page).
 */
export interface MemoryCalls {
  readonly playground: Pick<Api['playground'], 'saved' | 'remember' | 'forgetHistory' | 'keepScreen'>;
}

/** Where what is kept is shown: the store's own (reactive) fields. */
export interface MemoryShown {
  /** The prompts filled lately, newest first, as the store keeps them. */
  history: readonly string[];
  /** Why the history or the screen could not be read back or kept, shown by the history. */
  memoryError: string | undefined;
}

export class PlaygroundMemory {
  private readonly screenWrite = new LatestWrite<PlaygroundScreen>(
    (screen) => this.writeScreen(screen),
    (error) =>
      (this.shown.memoryError = `Could not keep the screen as it is for the next visit: ${errorMessage(error)}`),
  );

  constructor(
    private readonly calls: MemoryCalls,
    private readonly shown: MemoryShown,
  ) {}

  /**
   * Reads back the history (shown at once) and the screen as it was left (null: nothing kept, a
   * first visit). A read that fails is said, and rejects, so that the caller can try again later.
   */
  async readBack(): Promise<PlaygroundScreen | null> {
    try {
      const { history, screen } = await this.calls.playground.saved({});
      this.shown.history = history;
      this.shown.memoryError = undefined;
      return screen;
    } catch (caught) {
      this.shown.memoryError = `Could not read back the recent prompts and the screen as it was left: ${errorMessage(caught)}`;
      throw caught;
    }
  }

  /**
   * Keeps the screen for the next visit, as it changes: one write at a time, the latest screen
   * last (LatestWrite); resolves once it is written or its failure said.
   */
  keepScreen(screen: PlaygroundScreen): Promise<void> {
    return this.screenWrite.set(screen);
  }

  /** Puts a filled prompt at the top of the history (the store leaves out a blank or very long one). */
  remember(prompt: string): Promise<void> {
    return this.keepHistory(this.calls.playground.remember({ prompt }), 'keep the prompt in the recent prompts');
  }

  clearHistory(): Promise<void> {
    return this.keepHistory(this.calls.playground.forgetHistory({}), 'clear the recent prompts');
  }

  /** Writes one screen; one too large to send is refused here, as the server would. */
  private async writeScreen(screen: PlaygroundScreen): Promise<void> {
    const checked = playgroundScreenSchema.safeParse(screen, { error: contractMessages });
    if (!checked.success) throw new Error(checked.error.issues[0].message);
    await this.calls.playground.keepScreen({ screen });
    this.shown.memoryError = undefined;
  }

  private async keepHistory(call: Promise<PlaygroundHistory>, what: string): Promise<void> {
    try {
      this.shown.history = (await call).history;
      this.shown.memoryError = undefined;
    } catch (caught) {
      this.shown.memoryError = `Could not ${what}: ${errorMessage(caught)}`;
    }
  }
}
