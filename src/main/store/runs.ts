// Runs repository: rows of runs, metrics and checkpoints (schema 003; the owner's start time,
// 006; its boot id and start ticks, 007). The config JSON is parsed once here with the contract's schema, so the service gets a
// typed RunConfig. Metric points come in batches (one transaction each), so the trainer's
// progress never waits on a row-at-a-time write.

import { runConfigSchema, type MetricColumns, type RunConfig, type RunStatusName } from '../../shared/contract/runs';
import { readProcessIdentity } from '../processIdentity';
import type { Db } from './db';
import { addCheckpointRow, type CheckpointRow, checkpointRows, removeCheckpointRows } from './runCheckpoints';
import { lastMetricValues, lowestMetricPoint, metricColumns } from './runMetrics';

export type { CheckpointRow } from './runCheckpoints';

export interface RunRow {
  readonly id: string;
  readonly name: string;
  readonly datasetId: string | null;
  readonly baseModel: string;
  readonly config: RunConfig;
  readonly status: RunStatusName;
  readonly step: number;
  readonly totalSteps: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly elapsedMs: number;
  readonly error: string | null;
  readonly provider: string | null;
  readonly ownerPid: number | null;
  /** When the owning process started (epoch ms; schema 006): null in rows written before. */
  readonly ownerStartedAt: number | null;
  /**
   * The owner's boot id and start in clock ticks since boot (Linux; schema 007): both, or null
   * in rows written before, on other systems, or holding values that are not such.
   */
  readonly ownerBootId: string | null;
  readonly ownerStartTicks: number | null;
  readonly hostPid: number | null;
}

interface RawRun {
  id: string;
  name: string;
  dataset_id: string | null;
  base_model: string;
  config_json: string;
  status: RunStatusName;
  step: number;
  total_steps: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  elapsed_ms: number;
  error: string | null;
  provider: string | null;
  owner_pid: number | null;
  owner_started_at: number | null;
  owner_boot_id?: unknown;
  owner_start_ticks?: unknown;
  host_pid: number | null;
}

/** What a status change writes besides the status itself. */
export interface RunUpdate {
  readonly step?: number;
  readonly startedAt?: string | null;
  readonly finishedAt?: string | null;
  readonly elapsedMs?: number;
  readonly error?: string | null;
  readonly provider?: string | null;
  readonly ownerPid?: number | null;
  readonly ownerStartedAt?: number | null;
  readonly ownerBootId?: string | null;
  readonly ownerStartTicks?: number | null;
  readonly hostPid?: number | null;
}

/** A run as seen with its owner gone: what interrupt and completeGone write only while it still is. */
type SeenOwner = Pick<RunRow, 'status' | 'ownerPid' | 'ownerStartedAt'>;

/** The process a run's row records as its owner (services/runsLock.ts thisProcessAsOwner). */
export type RunOwner = Pick<RunUpdate, 'ownerPid' | 'ownerStartedAt' | 'ownerBootId' | 'ownerStartTicks'>;

const UPDATE_COLUMNS: Record<keyof RunUpdate, string> = {
  step: 'step',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  elapsedMs: 'elapsed_ms',
  error: 'error',
  provider: 'provider',
  ownerPid: 'owner_pid',
  ownerStartedAt: 'owner_started_at',
  ownerBootId: 'owner_boot_id',
  ownerStartTicks: 'owner_start_ticks',
  hostPid: 'host_pid',
};

/** SET clause: the configuration's keepLast becomes @keepLast, or stays as it is when that is null. */
const KEEP_LAST_SET =
  "config_json = CASE WHEN @keepLast IS NULL THEN config_json ELSE json_set(config_json, '$.keepLast', @keepLast) END";

function fromRaw(raw: RawRun): RunRow {
  const owner = readProcessIdentity(raw.owner_boot_id, raw.owner_start_ticks);
  return {
    id: raw.id,
    name: raw.name,
    datasetId: raw.dataset_id,
    baseModel: raw.base_model,
    config: runConfigSchema.parse(JSON.parse(raw.config_json)),
    status: raw.status,
    step: raw.step,
    totalSteps: raw.total_steps,
    createdAt: raw.created_at,
    startedAt: raw.started_at,
    finishedAt: raw.finished_at,
    elapsedMs: raw.elapsed_ms,
    error: raw.error,
    provider: raw.provider,
    ownerPid: raw.owner_pid,
    ownerStartedAt: raw.owner_started_at,
    ownerBootId: owner.bootId,
    ownerStartTicks: owner.startTicks,
    hostPid: raw.host_pid,
  };
}

export class RunRepository {
  constructor(private readonly db: Db) {}

  /**
   * A new run. With `owner` (the process that starts it), written in the same transaction: from
   * the moment the row exists it counts as live for other processes (what they must not remove).
   * The dataset's foreign key fails when it is gone (SQLITE_CONSTRAINT_FOREIGNKEY).
   */
  add(run: {
    id: string;
    name: string;
    config: RunConfig;
    totalSteps: number;
    status: RunStatusName;
    owner?: RunOwner;
  }): RunRow {
    const insert = this.db.prepare(
      `INSERT INTO runs (id, name, dataset_id, base_model, config_json, status, total_steps, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      insert.run(
        run.id,
        run.name,
        run.config.datasetId,
        run.config.model,
        JSON.stringify(run.config),
        run.status,
        run.totalSteps,
        new Date().toISOString(),
      );
      if (run.owner) this.setStatus(run.id, run.status, run.owner);
    })();
    return this.mustGet(run.id);
  }

  get(id: string): RunRow | undefined {
    const raw = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RawRun | undefined;
    return raw && fromRaw(raw);
  }

  mustGet(id: string): RunRow {
    const row = this.get(id);
    if (!row) throw new Error(`run ${id} vanished from the store`);
    return row;
  }

  /** Every run's id, status and step: what changes as it trains, without parsing its configuration. */
  states(): { id: string; status: RunStatusName; step: number; name: string }[] {
    return this.db.prepare('SELECT id, status, step, name FROM runs ORDER BY created_at, id').all() as {
      id: string;
      status: RunStatusName;
      step: number;
      name: string;
    }[];
  }

  /** A new display name, in the row and in its configuration (whose `name` a run given one keeps). */
  rename(id: string, name: string): boolean {
    return (
      this.db
        .prepare("UPDATE runs SET name = ?, config_json = json_set(config_json, '$.name', ?) WHERE id = ?")
        .run(name, name, id).changes > 0
    );
  }

  list(): RunRow[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY created_at, id').all() as RawRun[]).map(fromRaw);
  }

  listByStatus(status: RunStatusName): RunRow[] {
    return (this.db.prepare('SELECT * FROM runs WHERE status = ? ORDER BY created_at').all(status) as RawRun[]).map(
      fromRaw,
    );
  }

  /** Runs marked running or queued (their processes may be gone: check ownerPid). */
  listActive(): RunRow[] {
    const sql = "SELECT * FROM runs WHERE status IN ('running', 'queued') ORDER BY created_at";
    return (this.db.prepare(sql).all() as RawRun[]).map(fromRaw);
  }

  setStatus(id: string, status: RunStatusName, update: RunUpdate = {}): RunRow {
    const sets = ['status = @status'];
    const params: Record<string, unknown> = { id, status };
    for (const [key, value] of Object.entries(update)) {
      if (value === undefined) continue;
      const column = UPDATE_COLUMNS[key as keyof RunUpdate];
      sets.push(`${column} = @${column}`);
      params[column] = value;
    }
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(params);
    return this.mustGet(id);
  }

  /**
   * Marks run `id` queued and owned by `owner` (a resume that starts to prepare it), in one
   * statement, only while it is still as `seen` (its status and owner) and its dataset is there:
   * a removal of the dataset elsewhere either comes first (this changes nothing) or sees the run
   * live. With `keepLast`, its configuration's Checkpoints kept becomes that in the same
   * statement. Whether it did.
   */
  queueOwned(
    id: string,
    seen: Pick<RunRow, 'status' | 'ownerPid'>,
    owner: Required<RunOwner>,
    keepLast?: number,
  ): boolean {
    const sql = `UPDATE runs SET status = 'queued', owner_pid = @pid, owner_started_at = @startedAt,
       owner_boot_id = @bootId, owner_start_ticks = @startTicks, ${KEEP_LAST_SET}
       WHERE id = @id AND status = @status AND owner_pid IS @seenPid AND dataset_id IS NOT NULL`;
    const params = {
      id,
      status: seen.status,
      seenPid: seen.ownerPid,
      pid: owner.ownerPid,
      startedAt: owner.ownerStartedAt,
      bootId: owner.ownerBootId,
      startTicks: owner.ownerStartTicks,
      keepLast: keepLast ?? null,
    };
    return this.db.prepare(sql).run(params).changes > 0;
  }

  /**
   * Puts run `id`, queued or marked running by owner `ownerPid` (queueOwned, then a launch that
   * did not get its trainer going), back to `status` with no owner, and its Checkpoints kept back
   * to `keepLast` where given (what queueOwned changed); the row as it is then, or undefined when
   * it is no longer that process's (or no longer there).
   */
  unqueue(id: string, status: RunStatusName, ownerPid: number, keepLast?: number): RunRow | undefined {
    const sql = `UPDATE runs SET status = @status, owner_pid = NULL, owner_started_at = NULL, owner_boot_id = NULL,
       owner_start_ticks = NULL, ${KEEP_LAST_SET} WHERE id = @id AND status IN ('queued', 'running') AND owner_pid = @ownerPid`;
    const params = { status, id, ownerPid, keepLast: keepLast ?? null };
    return this.db.prepare(sql).run(params).changes > 0 ? this.get(id) : undefined;
  }

  /**
   * Marks run `id` interrupted with `error`, in one statement, only while it is still as `seen`
   * (its status and owner, a process found gone): a resume elsewhere that took it meanwhile
   * (queueOwned) keeps it. The row then, or undefined when it changed (or is no longer there).
   */
  interrupt(id: string, seen: SeenOwner, error: string, finishedAt: string): RunRow | undefined {
    return this.endGone(id, seen, "status = 'interrupted', error = @error, finished_at = @finishedAt", {
      error,
      finishedAt,
    });
  }

  /**
   * Marks run `id` completed at `end.step` with no error, as interrupt marks one interrupted: in
   * one statement, only while it is still as `seen` (a process found gone after its final
   * checkpoint), so it is never interrupted on the way. Its training time becomes `end.elapsedMs`
   * where given. The row then, or undefined when it changed.
   */
  completeGone(
    id: string,
    seen: SeenOwner,
    end: { readonly step: number; readonly finishedAt: string; readonly elapsedMs?: number },
  ): RunRow | undefined {
    const sets =
      "status = 'completed', error = NULL, step = @step, finished_at = @finishedAt, " +
      'elapsed_ms = COALESCE(@elapsedMs, elapsed_ms)';
    return this.endGone(id, seen, sets, {
      step: end.step,
      finishedAt: end.finishedAt,
      elapsedMs: end.elapsedMs ?? null,
    });
  }

  /** `sets` written to run `id` while it is as `seen` (interrupt, completeGone); the row then, or undefined. */
  private endGone(id: string, seen: SeenOwner, sets: string, values: Record<string, unknown>): RunRow | undefined {
    const sql = `UPDATE runs SET ${sets}
       WHERE id = @id AND status = @status AND owner_pid IS @pid AND owner_started_at IS @startedAt`;
    const params = { ...values, id, status: seen.status, pid: seen.ownerPid, startedAt: seen.ownerStartedAt };
    return this.db.prepare(sql).run(params).changes > 0 ? this.get(id) : undefined;
  }

  setProgress(id: string, step: number, elapsedMs: number): void {
    this.db.prepare('UPDATE runs SET step = ?, elapsed_ms = ? WHERE id = ?').run(step, Math.round(elapsedMs), id);
  }

  remove(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  /**
   * The last step stored of each of these metrics of a run (those it has). One index seek per
   * name: a GROUP BY over the run would read every point (36 ms for 200,000 steps).
   */
  lastMetricSteps(id: string, names: readonly string[]): Map<string, number> {
    const query = this.db.prepare('SELECT MAX(step) AS step FROM metrics WHERE run_id = ? AND name = ?');
    const out = new Map<string, number>();
    for (const name of names) {
      const { step } = query.get(id, name) as { step: number | null };
      if (step !== null) out.set(name, step);
    }
    return out;
  }

  /** The value of a metric at its last stored step, if it has one. */
  lastMetric(id: string, name: string): number | undefined {
    const row = this.db
      .prepare('SELECT value FROM metrics WHERE run_id = ? AND name = ? ORDER BY step DESC LIMIT 1')
      .get(id, name) as { value: number } | undefined;
    return row?.value;
  }

  /** The value at its last stored step of each metric the run has, in name order (runMetrics.ts: index seeks). */
  lastMetrics(id: string): Record<string, number> {
    return lastMetricValues(this.db, id);
  }

  /** The lowest value of a metric and the earliest step it came at, if it has points (runMetrics.ts). */
  lowestMetric(id: string, name: string): { step: number; value: number } | undefined {
    return lowestMetricPoint(this.db, id, name);
  }

  /** One metric's points after `step`, in step order. */
  metricAfter(id: string, name: string, step: number): { step: number; value: number }[] {
    return this.db
      .prepare('SELECT step, value FROM metrics WHERE run_id = ? AND name = ? AND step > ? ORDER BY step')
      .all(id, name, step) as { step: number; value: number }[];
  }

  /** Removes a run's metric points after `step` (steps a resumed run trains again). */
  dropMetricsAfter(id: string, step: number): void {
    this.db.prepare('DELETE FROM metrics WHERE run_id = ? AND step > ?').run(id, step);
  }

  /** Writes a batch of points in one transaction; a repeated (name, step) is replaced (a resumed step). */
  addMetrics(id: string, points: readonly { step: number; name: string; value: number }[]): void {
    const insert = this.db.prepare('INSERT OR REPLACE INTO metrics (run_id, name, step, value) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const p of points) insert.run(id, p.name, p.step, p.value);
    })();
  }

  /**
   * A run's metric series in name order, each as columns in step order: all of them, or those of
   * `names` it has (an empty list: none), read by seeks for those names only (runMetrics.ts).
   */
  metrics(id: string, names?: readonly string[]): Map<string, MetricColumns> {
    return metricColumns(this.db, id, names);
  }

  /** Records a checkpoint (replacing one at the same step) and which one is best (runCheckpoints.ts). */
  addCheckpoint(id: string, checkpoint: Omit<CheckpointRow, 'createdAt'>, removedPaths: readonly string[]): void {
    addCheckpointRow(this.db, id, checkpoint, removedPaths);
  }

  /** Drops the rows of checkpoints whose folders are gone (`paths` as stored). */
  removeCheckpoints(id: string, paths: readonly string[]): void {
    removeCheckpointRows(this.db, id, paths);
  }

  checkpoints(id: string): CheckpointRow[] {
    return checkpointRows(this.db, id);
  }
}
