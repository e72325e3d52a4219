// The renderer's runs store: the list (runs.list, kept current by `runs.statusChanged`,
// `runs.renamed` and `runs.removed`), the run shown on the Train screen (runs.get, refreshed on
// status and checkpoint events), live progress (`runs.progress`; a run's forgotten when its status
// says it went back to an earlier step), every loaded run's metric curves (lib/runCurves.ts, fed by
// `runs.metrics`), the lifecycle calls and the last error per place, what a resume said of
// checkpoints it could not use (or that another window or a terminal resumed it first: no error),
// and the offer to start again from step 0 when none could be read. Built on `api` only.
// NOTE: curves live outside $state (tens of thousands of points); `curvesVersion` is what
// the charts watch, bumped once per batch of points. Only the metrics drawn are loaded and kept
// (lib/runsWatching.ts's DRAWN_METRICS), and only for the runs ticked to compare and the run
// on Train: a run unticked, or no longer on Train, lets its curves go.

import type { RunCheckpoints, RunDetail, RunStatusName, RunSummary } from '../../../shared/contract/runs';
import { NO_READABLE_CHECKPOINT_WORDS } from '../../../shared/contract/runs';
import type { EventMap } from '../../../shared/events';
import { subscribe } from '../../../shared/transport';
import { api, connection } from './api';
import { LatestWritten, Newest } from './newest';
import { RunCurves } from './runCurves';
import { errorMessage } from '../../../shared/errors';
import { distinctRunLabels } from '../../../shared/contract/runNames';
import { curvesToDrop, DRAWN_METRICS } from './runsWatching';
import { afterStatusChange } from './liveFigures';
import { resumedElsewhere, type ResumeSaid, resumeSaidAfter } from './resumeRace';

const drawn = new Set(DRAWN_METRICS);

export type RunProgress = EventMap['runs.progress'];

/**
 * Every run that keeps a checkpoint, with all of them (runs.checkpoints: one call), newest run
 * first as on the Runs screen (the service gives them oldest first). Two runs of one name are told
 * apart by their ids in the name, so the model lists that offer their checkpoints say which is which.
 */
export async function listRunCheckpoints(): Promise<RunCheckpoints[]> {
  const kept = [...(await api.runs.checkpoints({}))].reverse();
  const names = distinctRunLabels(kept.map(({ run }) => run));
  return kept.map((entry, i) => ({ ...entry, run: { ...entry.run, name: names[i] } }));
}

class RunsStore {
  runs: readonly RunSummary[] = $state([]);
  /** The run the Train screen shows (the one just started, or one opened from Runs). */
  current: RunDetail | undefined = $state();
  /** A run whose settings the next new-run form starts from ("New run with these settings"). */
  private draft: RunDetail | undefined;
  progress: Record<string, RunProgress> = $state({});
  curvesVersion = $state(0);
  #compared: string[] = $state([]);
  /** How many checkpoints each run has said it saved since this window opened (the Runs screen reads details again at each). */
  checkpointsSaid: Record<string, number> = $state({});
  /** A lifecycle call in flight (pause, stop, resume, remove), by run id. */
  busy: Record<string, string> = $state({});
  error: string | undefined = $state();
  /** The notices of the last resume that had any (the checkpoints it passed over, and why, or that it was resumed elsewhere), with its run. */
  resumed: ResumeSaid | undefined = $state();
  /** The run whose resume was refused because none of its checkpoints reads: it may start again from step 0. */
  startAgainOffer: string | undefined = $state();
  /** Why the Train screen no longer shows the run it showed (removed in another window or a terminal). */
  notice: string | undefined = $state();
  isLoading = $state(false);
  private readonly curves = new Map<string, RunCurves>();

  /** The runs ticked on the Runs screen to compare, kept while other screens open. */
  get compared(): string[] {
    return this.#compared;
  }

  set compared(ids: string[]) {
    this.#compared = ids;
    this.dropUnusedCurves();
  }

  /** The latest progress of the run training now (for the window title); undefined when none is. */
  get training(): RunProgress | undefined {
    return Object.values(this.progress).find((p) => this.runs.find((r) => r.id === p.runId)?.status === 'running');
  }

  constructor() {
    subscribe(connection.bridge, 'runs.statusChanged', (event) => {
      const { runId, status, step } = event;
      this.runs = this.runs.some((r) => r.id === runId)
        ? this.runs.map((r) => (r.id === runId ? { ...r, status, step } : r))
        : this.runs;
      if (!this.runs.some((r) => r.id === runId)) void this.load();
      // A run that went back (resumed from an earlier checkpoint) is not where its last progress said.
      this.progress = afterStatusChange(this.progress, runId, step);
      this.resumed = resumeSaidAfter(this.resumed, runId, status); // ('resumed elsewhere: it trains now' no more)
      void this.refresh(runId);
    });
    subscribe(connection.bridge, 'runs.progress', (p) => {
      this.progress[p.runId] = p;
      this.runs = this.runs.map((r) => (r.id === p.runId ? { ...r, step: p.step, totalSteps: p.totalSteps } : r));
    });
    subscribe(connection.bridge, 'runs.metrics', ({ runId, points }) => {
      const curves = this.curves.get(runId);
      if (!curves) return;
      curves.add(points.filter((p) => drawn.has(p.name)));
      this.curvesVersion++;
    });
    subscribe(connection.bridge, 'runs.checkpoint', ({ runId }) => {
      this.checkpointsSaid[runId] = (this.checkpointsSaid[runId] ?? 0) + 1;
      void this.refresh(runId);
    });
    subscribe(connection.bridge, 'runs.removed', ({ runId }) => this.forget(runId));
    subscribe(connection.bridge, 'runs.renamed', ({ runId, name }) => {
      this.runs = this.runs.map((r) => (r.id === runId ? { ...r, name } : r));
      if (this.current?.id === runId) this.current = { ...this.current, name };
    });
  }

  /** Drops a removed run from the list, the comparison and memory; a Train screen showing it says why it closed. */
  private forget(id: string): void {
    const current = this.current;
    if (current?.id === id) {
      this.showForm();
      // (removed from this window's Runs screen: the person knows, and the row went before their eyes)
      if (this.busy[id] !== 'remove') this.notice = `Run ${current.name} (${id}) was removed, with its checkpoints.`;
    }
    this.runs = this.runs.filter((r) => r.id !== id);
    this.compared = this.compared.filter((c) => c !== id);
    this.curves.delete(id);
    delete this.progress[id];
    delete this.checkpointsSaid[id];
  }

  /** Lets go of the curves of every run neither ticked to compare nor shown on Train. */
  private dropUnusedCurves(): void {
    for (const id of curvesToDrop(this.curves.keys(), this.#compared, this.current?.id)) this.curves.delete(id);
  }

  private readonly listing = new LatestWritten();
  /** Begun at each change of what the Train screen shows (a run opened, the form); refreshes check it. */
  private readonly shown = new Newest();
  private readonly refreshing = new Newest();

  async load(): Promise<void> {
    const read = this.listing.begin();
    this.isLoading = true;
    try {
      const runs = await api.runs.list({});
      if (read.claim()) this.runs = runs;
    } catch (caught) {
      this.error = errorMessage(caught);
    } finally {
      if (read.isLatest()) this.isLoading = false;
    }
  }

  /** Leaves the Train screen for a new-run form that starts from `run`'s settings. */
  newRunFrom(run: RunDetail): void {
    this.draft = run;
    this.showForm();
  }

  /** Leaves the run shown for the new-run form; a run asked for before this does not replace it when it comes. */
  showForm(): void {
    this.shown.begin();
    this.current = undefined;
    this.dropUnusedCurves();
  }

  /** The run a new-run form starts from, once (a later form starts afresh). */
  takeDraft(): RunDetail | undefined {
    const draft = this.draft;
    this.draft = undefined;
    return draft;
  }

  /**
   * Shows a run on the Train screen: its detail and (unless already loaded) its curves. Resolves
   * false with `error` set when it cannot be read; true when shown, or when another run or the
   * form was asked for meanwhile (then this one is not shown: the last asked for stays).
   */
  async open(id: string): Promise<boolean> {
    this.notice = undefined;
    const isNewest = this.shown.begin();
    try {
      const run = await api.runs.get({ id });
      if (!isNewest()) return true;
      this.current = run;
      this.dropUnusedCurves();
      await this.loadCurves([id]);
      return true;
    } catch (caught) {
      if (!isNewest()) return true;
      this.error = errorMessage(caught);
      return false;
    }
  }

  /**
   * The run shown read again (its status changed, a checkpoint came, an action on it ended): written
   * only while it is still the run shown and no other run or the form was asked for meanwhile, and
   * only the newest of such reads (an older answer arriving last would show an older state).
   */
  private async refresh(id: string): Promise<void> {
    if (this.current?.id !== id) return;
    const [isUnchanged, isNewest] = [this.shown.unchanged(), this.refreshing.begin()];
    try {
      const run = await api.runs.get({ id });
      if (isUnchanged() && isNewest() && this.current?.id === id) this.current = run;
    } catch (caught) {
      if (isUnchanged() && this.current?.id === id) this.error = errorMessage(caught);
    }
  }

  /** The run the page's address names (shared/runAddress.ts): shown, or a notice that it is not here. */
  async openLinked(id: string): Promise<void> {
    if (this.current?.id === id || (await this.open(id)) || this.current?.id === id) return;
    [this.current, this.error] = [undefined, undefined];
    this.notice =
      `The address names run ${id}, which is not in this data directory (removed, or never here): ` +
      'the Runs screen lists the runs there are.';
  }

  /**
   * The drawn curves of these runs (loaded once; live events keep them current after that). A run's
   * curves let go of (unticked) or asked for again meanwhile are not written by this answer.
   */
  async loadCurves(ids: readonly string[]): Promise<void> {
    const missing = new Map(ids.filter((id) => !this.curves.has(id)).map((id) => [id, new RunCurves()]));
    if (missing.size === 0) return;
    for (const [id, curves] of missing) this.curves.set(id, curves);
    const isOurs = (id: string, curves: RunCurves) => this.curves.get(id) === curves;
    try {
      const stored = await api.runs.metrics({ ids: [...missing.keys()], names: [...DRAWN_METRICS] });
      for (const [id, curves] of missing) if (isOurs(id, curves)) curves.load(stored[id] ?? {});
    } catch (caught) {
      for (const [id, curves] of missing) if (isOurs(id, curves)) this.curves.delete(id);
      throw caught;
    } finally {
      this.curvesVersion++;
    }
  }

  curvesOf(id: string): RunCurves | undefined {
    return this.curves.get(id);
  }

  /** Resolves true when renamed (the list and the open run show the new name); the error lands in `error`. */
  rename(id: string, name: string): Promise<boolean> {
    return this.change(id, () => api.runs.rename({ id, name }));
  }

  /**
   * Runs a lifecycle call, marking the run busy; the error lands in `error`. A resume takes
   * `keepLast`, the run's new Checkpoints kept (the Resume field by the run's view), where given.
   */
  async act(
    id: string,
    what: 'pause' | 'resume' | 'stop' | 'remove',
    options: { readonly keepLast?: number } = {},
  ): Promise<boolean> {
    this.busy[id] = what;
    try {
      return await this.change(id, async () => {
        if (what === 'resume') return this.resume(id, false, options.keepLast);
        if (what !== 'remove') return api.runs[what]({ id });
        await api.runs.remove({ id });
        this.forget(id); // (as runs.removed does, which may come before or after this reply)
      });
    } finally {
      delete this.busy[id];
    }
  }

  /** Trains run `id` again from step 0, as offered when none of its checkpoints could be read (startAgainOffer). */
  async startAgain(id: string): Promise<boolean> {
    this.busy[id] = 'resume';
    try {
      return await this.change(id, () => this.resume(id, true));
    } finally {
      delete this.busy[id];
    }
  }

  /** runs.resume, keeping what it says of checkpoints it passed over, or the offer to start again when none reads. */
  private async resume(id: string, fromStart: boolean, keepLast?: number): Promise<void> {
    [this.resumed, this.startAgainOffer] = [undefined, undefined];
    try {
      const started = await api.runs.resume({
        id,
        ...(fromStart ? { fromStart } : {}),
        ...(keepLast === undefined ? {} : { keepLast }),
      });
      if (started.notices.length > 0) this.resumed = { id, notices: started.notices };
    } catch (caught) {
      if (errorMessage(caught).includes(NO_READABLE_CHECKPOINT_WORDS)) this.startAgainOffer = id;
      // Lost the race to another window or a terminal: the run trains, as asked; said, not an error.
      const elsewhere = resumedElsewhere(caught, await this.statusNow(id));
      if (elsewhere === undefined) throw caught;
      this.resumed = { id, notices: [elsewhere], isElsewhere: true };
    }
  }

  /** Run `id`'s status read now; undefined when it cannot be read. */
  private async statusNow(id: string): Promise<RunStatusName | undefined> {
    try {
      return (await api.runs.get({ id })).status;
    } catch {
      return undefined;
    }
  }

  /** Makes a call that changes run `id`, then reloads the list and the open run; false with `error` set when it fails. */
  private async change(id: string, work: () => Promise<unknown>): Promise<boolean> {
    this.error = undefined;
    try {
      await work();
      await this.load();
      await this.refresh(id);
      return true;
    } catch (caught) {
      this.error = errorMessage(caught);
      return false;
    }
  }
}

export const runsStore = new RunsStore();
