// A Playground fill as the screen runs it: every chosen model in turn, each column a result or
// its error, the prompt kept in the history once a model has filled it; "mask this for me" before
// it. Stop cancels a fill: the columns not done say so, and a prompt no model answered is not
// kept. A column that goes mid-fill (unticked, its run or model removed) is stopped or skipped,
// and uncounted; a fill refused takes the last answers away. The pieces of a fill are
// playgroundFill.ts's; the state shown is the store's (playground.svelte.ts).

import type { Api } from '../../../shared/contract';
import { errorMessage } from '../../../shared/errors';
import type { DecodingForm } from './decodingForm';
import type { ModelChoice } from './modelChoices';
import {
  decodingProblem,
  fillColumns,
  fillRequest,
  maskedPrompt,
  type FillCalls,
  type FillOutcome,
  type MaskForm,
} from './playgroundFill';
import type { PlaygroundMemory } from './playgroundMemory';

/**
 * The calls a fill and Stop make: the store passes lib/api.ts's, tests a fake (this module does
 * not import api.ts, which needs the page).
 */
export interface FillingCalls extends FillCalls {
  readonly playground: Pick<Api['playground'], 'fill' | 'stop'>;
}

/** What a fill reads of the screen, and where it goes: the store's own (reactive) fields. */
export interface FillingShown {
  /** The chosen models, in the columns' order. */
  readonly chosen: readonly ModelChoice[];
  prompt: string;
  readonly decoding: DecodingForm;
  readonly mask: MaskForm;
  outcomes: Record<string, FillOutcome>;
  /** A fill is running: some column waits for its model's answer. */
  readonly isFilling: boolean;
  /** The prompt the outcomes answer: what a mask hid is judged against them only while it is the prompt. */
  filledPrompt: string | undefined;
  /** The model whose fill runs now: stopped in the engine if its column goes (stopGone). */
  fillingKey: string | undefined;
  /** What "mask this for me" hid, by sentinel number, and its notes. */
  expected: ReadonlyMap<number, string>;
  maskNotes: readonly string[];
  /** A problem before any model ran (nothing chosen, masking refused). */
  error: string | undefined;
  notice: string | undefined;
  isBusy: boolean;
}

export class PlaygroundFilling {
  /** Counts the fills begun; Stop counts one more, so the answers of the fill it stopped are dropped. */
  private fillCount = 0;

  constructor(
    private readonly calls: FillingCalls,
    private readonly shown: FillingShown,
    private readonly memory: Pick<PlaygroundMemory, 'remember'>,
  ) {}

  /** Fills the prompt with every chosen model, side by side; each column gets a result or its error. */
  async fill(): Promise<void> {
    const models = this.shown.chosen;
    [this.shown.error, this.shown.notice] = [undefined, undefined];
    if (models.length === 0) {
      this.shown.error = 'Choose at least one model above (builtin:byt5-tiny needs no download), then Fill.';
      return;
    }
    const prompt = this.shown.prompt;
    const checked = fillRequest(prompt, this.shown.decoding);
    if ('problem' in checked) return this.refuse(checked.problem);
    this.shown.isBusy = true;
    this.shown.filledPrompt = prompt;
    const fill = ++this.fillCount;
    this.shown.outcomes = Object.fromEntries(models.map((m) => [m.key, { status: 'running' } as const]));
    let isKept = false;
    // One after another, though the engine host would run them side by side (fillColumns).
    await fillColumns(this.calls, models, checked.request, {
      isStopped: () => fill !== this.fillCount,
      isShown: (key) => this.shown.chosen.some((c) => c.key === key),
      onBegin: (key) => (this.shown.fillingKey = key),
      onOutcome: (key, outcome) => {
        // A column gone since Fill was pressed keeps no outcome: it is not counted as filled.
        if (outcome === undefined) delete this.shown.outcomes[key];
        else this.shown.outcomes[key] = outcome;
        // Kept once a model has filled it: a fill stopped before that, or one every model
        // refused (a prompt none can fill), leaves the history as it was.
        if (!isKept && outcome?.status === 'done') {
          isKept = true;
          void this.memory.remember(prompt);
        }
      },
    });
    // Stopped: Stop has said so in every column left, and Fill may have begun again since.
    if (fill !== this.fillCount) return;
    this.shown.fillingKey = undefined;
    this.shown.isBusy = false;
  }

  /** Says why nothing is filled, alone: an earlier fill's answers (or Stop's) beside it would read as this press's. */
  private refuse(problem: string): void {
    [this.shown.error, this.shown.outcomes, this.shown.filledPrompt] = [problem, {}, undefined];
  }

  /**
   * Stops the generation of the model whose column went: the fills run one at a time, so this
   * page's one running in the engine host is that model's (or none yet, while its folder is
   * looked up: then its fill is not sent). The fill goes on with the models still shown.
   */
  async stopGone(): Promise<void> {
    this.shown.fillingKey = undefined;
    try {
      await this.calls.playground.stop({});
    } catch (caught) {
      this.shown.error = `Could not stop the fill of a model no longer shown: ${errorMessage(caught)}`;
    }
  }

  /**
   * Stops the fill: every column still waiting says it was stopped and Fill can be pressed again
   * at once; the engine host drops the generation it is running for this page (the call goes
   * before any new fill's, on the same connection), and only this page's: another tab's fill
   * goes on.
   */
  async stop(): Promise<void> {
    if (!this.shown.isFilling) return;
    this.fillCount++;
    this.shown.fillingKey = undefined;
    for (const [key, outcome] of Object.entries(this.shown.outcomes))
      if (outcome.status === 'running') this.shown.outcomes[key] = { status: 'stopped' };
    this.shown.isBusy = false;
    try {
      await this.calls.playground.stop({});
    } catch (caught) {
      this.shown.error = `Could not stop the fill in the engine: ${errorMessage(caught)}`;
    }
  }

  /** Masks the typed text with the first chosen model's tokenizer, puts the masked prompt in the editor, fills it. */
  async maskAndFill(): Promise<void> {
    const tokenizerModel = this.shown.chosen[0];
    this.shown.error = undefined;
    if (tokenizerModel === undefined) {
      this.shown.error = 'Choose a model first: its tokenizer decides where the spans fall.';
      return;
    }
    const problem = decodingProblem(this.shown.decoding); // (before the prompt is replaced by the masked one)
    if (problem !== undefined) return this.refuse(problem);
    this.shown.isBusy = true;
    try {
      const masked = await maskedPrompt(this.calls, tokenizerModel, this.shown.mask);
      [this.shown.prompt, this.shown.expected, this.shown.maskNotes] = [masked.prompt, masked.expected, masked.notes];
    } catch (caught) {
      this.shown.error = `Could not mask the text: ${errorMessage(caught)}`;
      this.shown.isBusy = false;
      return;
    }
    this.shown.isBusy = false;
    await this.fill();
  }
}
