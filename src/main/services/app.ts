// The services of one running Spanfill (desktop app, `spanfill serve`, or one CLI command):
// the store, the event bus, the engine host and the domain services, wired once. Transports
// and CLI commands take an AppServices and never build these pieces themselves.

import type { Envelope } from '../../shared/errors';
import type { HostSpawner } from '../host/spawn';
import { openStore, type Store } from '../store/db';
import { schemaMigrationNotice } from '../store/schemaCopy';
import { PlaygroundRepository } from '../store/playground';
import { SettingsRepository } from '../store/settings';
import { DatasetService } from './datasets';
import { DatasetsWatcher } from './datasetsWatch';
import { ModelsWatcher } from './modelsWatch';
import { dispatchCall } from './dispatch';
import { EngineHostManager } from './engine-host';
import { EventBus } from './events';
import { ExportService } from './export';
import type { CallContext, Handlers } from './handler';
import { createHandlers } from './handlers';
import type { HubTokenStore } from './hub-token';
import { ModelService } from './models';
import { tokenizerSource } from './modelReference';
import { tokenizerName } from './tokenizerName';
import { PlaygroundService } from './playground';
import { RunService } from './runs';
import { RunsWatcher } from './runsWatch';
import { SettingsWatcher } from './settingsWatch';
import { SystemService } from './system';
import { appVersion } from './version';

export interface AppOptions {
  readonly dataDir: string;
  /**
   * Whether commands shown for a terminal must name dataDir (--data-dir) to reach it: chosen by
   * --data-dir or SPANFILL_DATA_DIR, or not the per-user one a plain `spanfill` reaches
   * (system.dataDir, for the app's messages). False when absent.
   */
  readonly isDataDirChosen?: boolean;
  /** Set by the Electron entry; absent under plain Node. */
  readonly electronVersion?: string;
  /** utilityProcess under Electron; child_process.fork by default. */
  readonly hostSpawner?: HostSpawner;
  readonly hostEntry?: string;
  readonly hostEnv?: NodeJS.ProcessEnv;
  /** better-sqlite3 addon path for a different ABI (Electron in development). */
  readonly sqliteBinding?: string;
  /** Where HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE are read (process.env by default; CLI tests pass their own). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where a saved Hub token lives: a 0600 file by default; the desktop app passes safeStorage's. */
  readonly hubTokenStore?: HubTokenStore;
}

export class AppServices {
  readonly dataDir: string;
  readonly store: Store;
  readonly events = new EventBus();
  readonly engine: EngineHostManager;
  readonly system: SystemService;
  readonly datasets: DatasetService;
  readonly playground: PlaygroundService;
  readonly models: ModelService;
  readonly export: ExportService;
  readonly runs: RunService;
  readonly handlers: Handlers;
  private runsWatcher: RunsWatcher | undefined;
  private datasetsWatcher: DatasetsWatcher | undefined;
  private modelsWatcher: ModelsWatcher | undefined;
  private settingsWatcher: SettingsWatcher | undefined;

  constructor(options: AppOptions) {
    this.dataDir = options.dataDir;
    this.store = openStore(options.dataDir, { nativeBinding: options.sqliteBinding });
    this.engine = new EngineHostManager({
      events: this.events,
      spawn: options.hostSpawner,
      entry: options.hostEntry,
      env: options.hostEnv,
    });
    const settings = new SettingsRepository(this.store.db);
    this.system = new SystemService({
      appVersion,
      dataDir: options.dataDir,
      isDataDirChosen: options.isDataDirChosen,
      schemaVersion: this.store.schemaVersion,
      databaseUpdate: this.store.migration && schemaMigrationNotice(this.store.path, this.store.migration),
      engine: this.engine,
      electronVersion: options.electronVersion,
      settings,
      events: this.events,
    });
    this.models = new ModelService(
      { store: this.store, dataDir: options.dataDir, events: this.events },
      { env: options.env, tokenStore: options.hubTokenStore },
    );
    this.datasets = new DatasetService({
      store: this.store,
      dataDir: options.dataDir,
      events: this.events,
      engine: this.engine,
      tokenizerSource: (reference) => tokenizerSource(this.models, reference),
      tokenizerName: (reference, engineName) => tokenizerName(this.models, reference, engineName),
    });
    this.playground = new PlaygroundService({
      engine: this.engine,
      prompts: new PlaygroundRepository(this.store.db),
      settings,
    });
    this.runs = new RunService({
      store: this.store,
      dataDir: options.dataDir,
      events: this.events,
      engine: this.engine,
      datasets: this.datasets,
      models: this.models,
      system: this.system,
    });
    this.export = new ExportService({
      engine: this.engine,
      datasets: this.datasets,
      runs: this.runs,
      dataDir: this.dataDir,
      models: this.models,
    });
    // A run left 'running' by a process that is gone becomes interrupted (and resumable), or
    // completed when it was killed after its final checkpoint.
    this.runs.recoverInterrupted();
    this.handlers = createHandlers(this);
  }

  /**
   * Follows runs that another process trains on this data directory (a `spanfill train` in a
   * terminal), datasets it imports and models it registers, and sends their events as for this
   * process's own: for the desktop app and `spanfill serve`, whose screens show them live.
   */
  watchOtherProcesses(intervalMs?: number): void {
    this.datasetsWatcher ??= new DatasetsWatcher({
      repo: this.datasets.repo,
      events: this.events,
      removeAbandonedImports: () => this.datasets.removeAbandonedImports(),
    });
    this.datasetsWatcher.start(intervalMs);
    this.modelsWatcher ??= new ModelsWatcher({ repo: this.models.repo, events: this.events });
    this.modelsWatcher.start(intervalMs);
    this.runsWatcher ??= new RunsWatcher({
      repo: this.runs.repo,
      events: this.events,
      dataDir: this.dataDir,
      trainsHere: (id) => this.runs.trainsHere(id),
      recoverGone: () => this.runs.recoverInterrupted(['running', 'queued'], { shouldSkipOwnerless: true }),
    });
    this.runsWatcher.start(intervalMs);
    this.settingsWatcher ??= new SettingsWatcher({ settings: () => this.system.settings(), events: this.events });
    this.settingsWatcher.start(intervalMs);
  }

  /**
   * Validate and run one call by name; never throws, errors come back in the envelope.
   * `context.signal`: aborts when the caller is gone (handler.ts).
   */
  call(name: unknown, args: unknown, context?: CallContext): Promise<Envelope<unknown>> {
    return dispatchCall(this.handlers, name, args, context);
  }

  /**
   * Stops this process's training runs with a checkpoint, cancels running imports (bounded
   * wait, so no 'importing' row outlives us), then stops the host and store.
   */
  async close(): Promise<void> {
    this.runsWatcher?.stop();
    this.datasetsWatcher?.stop();
    this.modelsWatcher?.stop();
    this.settingsWatcher?.stop();
    await this.runs.stopAll();
    await this.datasets.cancelAll();
    await this.engine.stop();
    this.store.close();
  }
}
