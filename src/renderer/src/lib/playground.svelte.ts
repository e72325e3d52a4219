// The renderer's Playground store: which models to run side by side (from the model sources
// below: built in, registered, run checkpoints — best and last ticks, or any one added by run and
// step — and folders), the prompt, the decoding options, one result (or the engine's error) per
// model, "mask this for me" (the masking preview of typed text, turned into a prompt whose hidden
// spans are remembered so each filled span can be called exact or not), and the prompt history.
// The history and the screen as it was left are kept in the data directory (playgroundMemory.ts),
// read back when the screen first opens (with what an older version kept in localStorage brought
// over once: playgroundCarryOver.ts); a first visit opens the newest run's best checkpoint (its
// last when the best cannot be used) beside its base. The runs' checkpoints are read when the
// picker opens and again on a run's checkpoint, rename or removal. A column that goes (unticked, its
// run or model removed) and was not unticked is said in the notice, as is a kept column's model
// removed since the last launch (playgroundRemoved.ts for a model). A fill, and Stop, are
// playgroundFilling.ts's; the models that are no run's checkpoint, playgroundChoices.ts's.

import type { PlaygroundScreen } from '../../../shared/contract/playground';
import { MASKING_DEFAULTS } from '../../../shared/contract/masking';
import { api, connection } from './api';
import type { RunCheckpoints } from '../../../shared/contract/runs';
import {
  checkpointChoices,
  checkpointKey,
  currentCheckpointChoice,
  goneColumns,
  openingCheckpoint,
  uniqueByKey,
  type ModelChoice,
} from './modelChoices';
import { listAvailableModels, modelsStore } from './models.svelte';
import { listRunCheckpoints } from './runs.svelte';
import { Newest } from './newest';
import { errorMessage } from '../../../shared/errors';
import { defaultDecodingForm, type DecodingForm } from './decodingForm';
import type { MaskedSpans } from './recentPrompts';
import type { FillOutcome, MaskForm } from './playgroundFill';
import { PlaygroundFilling } from './playgroundFilling';
import { PlaygroundMemory } from './playgroundMemory';
import { carryOver } from './playgroundCarryOver';
import { baseModelKey, builtinChoice, folderChoice, registeredChoices } from './playgroundChoices';
import { RemovedModels } from './playgroundRemoved';
import { untrack } from 'svelte';
import { subscribe } from '../../../shared/transport';

class PlaygroundStore {
  prompt = $state('The <extra_id_0> walks in <extra_id_1> park.');
  /** Keys of the chosen models, in the order they were chosen (the columns' order). */
  selected: string[] = $state([builtinChoice.key]);
  /** Folders added by path. */
  folders: ModelChoice[] = $state([]);
  /** Every run that keeps a checkpoint, with all of them (runs.list + runs.checkpoints), newest run first. */
  runCheckpoints: RunCheckpoints[] = $state([]);
  /** Checkpoints added by run and step (the checkpoint selector), in the order added. */
  addedCheckpoints: ModelChoice[] = $state([]);
  /** Why the run checkpoints could not be listed, shown under the picker. */
  checkpointsError: string | undefined = $state();
  /** The contract's defaults, as `spanfill fill` takes them, until a kept screen's replace them. */
  decoding: DecodingForm = $state(defaultDecodingForm());
  mask: MaskForm = $state({
    text: 'The cute dog walks in the green park.',
    noiseDensity: MASKING_DEFAULTS.noiseDensity,
    meanNoiseSpanLength: MASKING_DEFAULTS.meanSpanLength,
    seed: MASKING_DEFAULTS.seed,
  });
  /** What "mask this for me" hid, by sentinel number; cleared when the prompt is edited. */
  expected: ReadonlyMap<number, string> = $state(new Map());
  maskNotes: readonly string[] = $state([]);
  outcomes: Record<string, FillOutcome> = $state({});
  /** The prompt the outcomes answer: what a mask hid is judged against them only while it is the prompt. */
  filledPrompt: string | undefined = $state();
  /** A problem before any model ran (nothing chosen, masking refused). */
  error: string | undefined = $state();
  /** Columns a run's or a model's removal (here or elsewhere) took away, in sentences, until the next fill. */
  notice: string | undefined = $state();
  /** What was brought over from an older version's localStorage, said in the notice once the columns are listed. */
  private carriedNotice: string | undefined;
  /** The prompts filled lately, newest first, as the store keeps them. */
  history: readonly string[] = $state([]);
  /** Why the history or the screen could not be read back or kept, shown by the history. */
  memoryError: string | undefined = $state();
  isBusy = $state(false);
  /** The model whose fill runs now: stopped in the engine if its column goes (unticked, or its run removed). */
  fillingKey: string | undefined = $state();
  /** A first visit (nothing kept) whose columns nobody has chosen yet (see the header). */
  private isFirstChoice = true;
  /**
   * The screen asked for the runs' checkpoints and no listing has landed since: the next to land
   * (its own, or a refresh's that overtook it and dropped it as stale) may open a first visit's run.
   */
  private isOpeningDue = false;
  /** The prompt or the columns were changed by hand in this launch: what was kept does not replace them. */
  private isEdited = false;
  /** Reading back what the store kept, once per launch, when the screen first opens. */
  private restoring: Promise<void> | undefined;
  /**
   * Whether what was kept has been read back. The screen is kept for the next launch only from
   * then on: a launch that never opened the Playground leaves a later one its first visit.
   */
  private isRestored = $state(false);
  /**
   * The first read-back has settled (read, or failed and said so): until then the screen
   * shows no prompt or columns, which the kept ones would replace a moment later.
   */
  hasOpened = $state(false);
  private readonly checkpointListing = new Newest();
  /** Reads back and keeps the history and the screen, into `history` and `memoryError` above. */
  private readonly memory = new PlaygroundMemory(api, this);
  private readonly removedModels = new RemovedModels(this);
  private readonly filling = new PlaygroundFilling(api, this, this.memory);

  constructor() {
    // A checkpoint written, or a run renamed or removed (here, in another window or a terminal)
    // while the screen is open: the picker offers what is kept now, the columns follow.
    for (const event of ['runs.checkpoint', 'runs.renamed', 'runs.removed'] as const)
      subscribe(connection.bridge, event, () => {
        if (this.hasOpened) void this.loadCheckpoints({ isRefresh: true });
      });
    // The screen as it is left (prompt, columns, folders and checkpoints added, decoding) is kept for the next visit.
    $effect.root(() => {
      $effect(() => {
        if (!this.isRestored) return;
        const { prompt, selected, folders, addedCheckpoints, decoding } = this;
        const modelNames = this.removedModels.namesToKeep(this.chosen);
        const screen = { prompt, selected, folders, addedCheckpoints, decoding, modelNames };
        void this.memory.keepScreen($state.snapshot(screen) as PlaygroundScreen);
      });
      // The running model's column went mid-fill: its generation is stopped, and the fill goes on.
      $effect(() => {
        const key = this.fillingKey;
        if (key !== undefined && !this.chosen.some((c) => c.key === key)) untrack(() => void this.filling.stopGone());
      });
      // A registered model's column gone while ticked (the model removed), or kept from the last
      // launch and gone since, is said in the notice.
      $effect(() => this.removedModels.follow(this.chosen, modelsStore.models, modelsStore.removedHere));
      $effect(() => {
        const listed = modelsStore.models;
        if (this.isRestored && modelsStore.hasListed) untrack(() => this.removedModels.sayKeptGone(listed));
      });
    });
  }

  /** Each run's best and last checkpoints, ticked in the picker like any model. */
  get checkpoints(): ModelChoice[] {
    return this.runCheckpoints.flatMap(({ run, checkpoints }) => checkpointChoices(run, checkpoints));
  }

  /**
   * Every model the picker offers, by source: the built-in one, the registered models, the
   * runs' best and last checkpoints, those added by step, and the folders added by path.
   */
  get choices(): ModelChoice[] {
    const registered = registeredChoices(modelsStore.available);
    return uniqueByKey([builtinChoice, ...registered, ...this.checkpoints, ...this.addedCheckpoints, ...this.folders]);
  }

  get chosen(): ModelChoice[] {
    const byKey = new Map(this.choices.map((c) => [c.key, c]));
    return this.selected.map((key) => byKey.get(key)).filter((c): c is ModelChoice => c !== undefined);
  }

  /** A fill is running: some column waits for its model's answer. */
  get isFilling(): boolean {
    return Object.values(this.outcomes).some((outcome) => outcome.status === 'running');
  }

  /** The notes on the filled prompt's holes (the same for every column): from the first answer. */
  get promptNotes(): readonly string[] {
    const done = this.chosen.map((c) => this.outcomes[c.key]).find((o) => o?.status === 'done');
    return done?.status === 'done' ? done.result.notes : [];
  }

  toggle(key: string, isOn: boolean): void {
    this.isFirstChoice = false;
    this.isEdited = true;
    this.selected = isOn ? [...this.selected.filter((k) => k !== key), key] : this.selected.filter((k) => k !== key);
  }

  addFolder(folder: string): void {
    const path = folder.trim();
    if (path === '') return;
    const column = folderChoice(path);
    if (!this.folders.some((f) => f.key === column.key)) this.folders = [...this.folders, column];
    this.toggle(column.key, true);
  }

  /** Adds a checkpoint chosen by run and step as a column (ticking it if it is already offered). */
  addCheckpoint(choice: ModelChoice): void {
    if (!this.choices.some((c) => c.key === choice.key)) this.addedCheckpoints = [...this.addedCheckpoints, choice];
    this.toggle(choice.key, true);
  }

  /**
   * The Playground screen is on show: reads back what was kept (the first time), then lists the
   * runs' checkpoints; from then on the screen is kept for the next launch.
   */
  async open(): Promise<void> {
    await this.restore();
    await this.loadCheckpoints();
    // After the listing, which says the columns gone since (a brought-over screen's too) in the notice.
    if (this.carriedNotice !== undefined) this.notice = [this.carriedNotice, this.notice].filter(Boolean).join(' ');
    this.carriedNotice = undefined;
  }

  /**
   * Reads back the history and the screen as it was left, once; a kept screen is no first
   * visit, and replaces the screen unless it was edited while the read was out. Until it has
   * been read, nothing is written over it: a read that fails is tried again on the next visit.
   */
  private restore(): Promise<void> {
    this.restoring ??= this.memory
      .readBack()
      .then((kept) => carryOver(localStorage, api, this, kept))
      .then(({ screen, notice }) => {
        this.carriedNotice = notice;
        if (screen !== null) this.isFirstChoice = false;
        if (screen !== null && !this.isEdited) {
          this.prompt = screen.prompt;
          this.selected = [...screen.selected];
          this.removedModels.expectKept(screen.modelNames);
          this.folders = [...screen.folders];
          this.addedCheckpoints = [...screen.addedCheckpoints];
          Object.assign(this.decoding, screen.decoding); // the same object: DecodingOptions binds to it
        }
        this.isRestored = true;
      })
      .catch(() => (this.restoring = undefined))
      .finally(() => (this.hasOpened = true));
    return this.restoring;
  }

  /**
   * Lists every run's kept checkpoints (the picker calls it on open). A checkpoint added by step
   * whose run was removed since, or that retention deleted, leaves the columns with it; one kept
   * from before the data directory moved is found in its new place, ticked as it was. A refresh
   * (`isRefresh`, on a run's event) never opens a first visit's checkpoint on its own: only in
   * place of the screen's own listing, which it overtook.
   */
  async loadCheckpoints({ isRefresh = false } = {}): Promise<void> {
    const isNewest = this.checkpointListing.begin();
    if (!isRefresh) this.isOpeningDue = true;
    try {
      const listed = await listRunCheckpoints();
      if (!isNewest()) return;
      const isOpening = this.isOpeningDue;
      this.isOpeningDue = false;
      // Also on opening again: a column whose run or checkpoint went while another screen was open.
      this.notice = goneColumns(this.chosen, listed) ?? this.notice;
      this.runCheckpoints = listed;
      const now = (key: string): ModelChoice | undefined => currentCheckpointChoice(key, this.runCheckpoints);
      const selected = this.selected.map((key) => (key.startsWith(checkpointKey('')) ? (now(key)?.key ?? key) : key));
      if (selected.some((key, i) => key !== this.selected[i])) this.selected = selected;
      this.addedCheckpoints = this.addedCheckpoints.flatMap((c) => now(c.key) ?? []);
      this.checkpointsError = undefined;
      const newest = this.runCheckpoints.find((r) => r.checkpoints.length > 0);
      const opening = newest && openingCheckpoint(newest.run, newest.checkpoints);
      if (isOpening && this.isFirstChoice && newest && opening)
        await this.openRun(newest.run.model, opening.ref, { isFirstVisit: true });
    } catch (caught) {
      this.checkpointsError = `Could not list the runs' checkpoints: ${errorMessage(caught)}`;
    }
  }

  /**
   * "Open in the Playground" from a run: its base model and its checkpoint, side by side in that
   * order, and nothing else. A from-scratch preset:NAME has no base worth a column. `isFirstVisit`:
   * the first visit's own choice (its checkpoint just listed), which gives way to columns chosen,
   * or a fill begun on the columns shown, while it looked.
   */
  async openRun(baseModel: string, checkpointPath: string, { isFirstVisit = false } = {}): Promise<void> {
    if (!isFirstVisit) this.isFirstChoice = false;
    // What was kept is read back first, so that it cannot replace the columns chosen here.
    await this.restore();
    const key = checkpointKey(checkpointPath);
    if (!isFirstVisit && !this.checkpoints.some((c) => c.key === key)) await this.loadCheckpoints();
    const base = await baseModelKey(baseModel, () => listAvailableModels().catch(() => []));
    if (isFirstVisit && !this.isFirstChoice) return;
    this.isFirstChoice = false;
    if (base === folderChoice(baseModel.trim()).key) this.addFolder(baseModel);
    this.selected = base === null ? [key] : [base, key];
  }

  /** What a mask hid in the prompt (by sentinel number), judged in the columns while they answer this prompt. */
  get expectedOfFill(): ReadonlyMap<number, string> {
    return this.filledPrompt === this.prompt ? this.expected : new Map();
  }

  /** A prompt put in from the recent prompts: edited, but a masked draft brings back what it hid (`masked`). */
  putPrompt(prompt: string, masked?: MaskedSpans): void {
    this.prompt = prompt;
    this.edited();
    if (masked) [this.expected, this.maskNotes] = [masked.expected, masked.notes];
  }

  /** The prompt was edited by hand: what a mask hid no longer matches its holes. */
  edited(): void {
    this.isEdited = true;
    this.expected = new Map();
    this.maskNotes = [];
  }

  /** Fills the prompt with every chosen model, side by side; each column gets a result or its error. */
  fill(): Promise<void> {
    this.isFirstChoice = false; // a fill begun on the columns shown chooses them: a first visit's opening leaves them
    return this.filling.fill();
  }

  /** Stops the fill: the columns still waiting say so, and Fill can be pressed again at once. */
  stop(): Promise<void> {
    return this.filling.stop();
  }

  /** Masks the typed text with the first chosen model's tokenizer, puts the masked prompt in the editor, fills it. */
  maskAndFill(): Promise<void> {
    this.isFirstChoice = false;
    return this.filling.maskAndFill();
  }

  clearHistory(): Promise<void> {
    return this.memory.clearHistory();
  }
}

export const playgroundStore = new PlaygroundStore();
