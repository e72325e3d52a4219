// The renderer's system store: what `system.info` returned, whether a probe is running, the
// stored settings (`system.settings`: execution provider and CPU threads, followed as they are
// saved elsewhere: another window, `spanfill settings` in a terminal), the last error, and the
// data directory that the `spanfill …` commands shown for a terminal must name (namedDataDir).
// The pattern for every domain (one store per domain, built on `api` only): state in runes,
// read through getters, changed only by the store's own actions.

import type { SystemInfo } from '../../../shared/contract';
import type { AppSettings, DataDirInfo } from '../../../shared/contract/system';
import { api, connection } from './api';
import { errorMessage } from '../../../shared/errors';
import { plural } from '../../../shared/format';
import { subscribe } from '../../../shared/transport';

class SystemStore {
  info: SystemInfo | undefined = $state();
  error: string | undefined = $state();
  isLoading = $state(false);
  settings: AppSettings | undefined = $state();
  /** What the last save did, or why it failed. */
  settingsNotice: { readonly text: string; readonly isError: boolean } | undefined = $state();
  /** The data directory and whether commands must name it: from system.dataDir (followDataDir) or info. */
  dataDirInfo: DataDirInfo | undefined = $state();
  /** Saves of this window not answered yet (their own event is not news). */
  private saving = 0;
  private askingDataDir: Promise<void> | undefined;

  constructor() {
    subscribe(connection.bridge, 'system.settingsChanged', (settings) => {
      const isNews = this.saving === 0 && !sameSettings(this.settings, settings);
      this.settings = settings;
      if (isNews) this.settingsNotice = { text: `Saved elsewhere: ${describeSettings(settings)}`, isError: false };
    });
  }

  /** Ask main for the system facts; refresh re-probes the execution providers. */
  async load(refresh = false): Promise<void> {
    this.isLoading = true;
    this.error = undefined;
    try {
      this.info = await api.system.info({ refresh });
      this.dataDirInfo = { dataDir: this.info.dataDir, isDataDirChosen: this.info.isDataDirChosen };
    } catch (caught) {
      this.error = errorMessage(caught);
    } finally {
      this.isLoading = false;
    }
  }

  /**
   * The data directory the `spanfill …` commands shown must end with (`--data-dir DIR`): the one
   * --data-dir or SPANFILL_DATA_DIR chose; undefined for the per-user one, or until it is known.
   */
  get namedDataDir(): string | undefined {
    return this.dataDirInfo?.isDataDirChosen === true ? this.dataDirInfo.dataDir : undefined;
  }

  /**
   * Asks for the data directory once (system.dataDir, which does not probe), for a component
   * that shows commands; a failed ask (the connection lost) is tried again by the next one.
   */
  followDataDir(): void {
    if (this.dataDirInfo || this.askingDataDir) return;
    this.askingDataDir = api.system
      .dataDir({})
      .then((info) => {
        this.dataDirInfo = info;
      })
      .catch(() => undefined)
      .finally(() => {
        this.askingDataDir = undefined;
      });
  }

  /** Reads the saved settings; a notice of an earlier save goes (the screen opens afresh). */
  async loadSettings(): Promise<void> {
    this.settingsNotice = undefined;
    try {
      this.settings = await api.system.settings({});
    } catch (caught) {
      this.settingsNotice = { text: errorMessage(caught), isError: true };
    }
  }

  async saveSettings(changes: Partial<AppSettings>, said: string): Promise<void> {
    this.saving += 1;
    try {
      this.settings = await api.system.saveSettings(changes);
      this.settingsNotice = { text: said, isError: false };
    } catch (caught) {
      this.settingsNotice = { text: errorMessage(caught), isError: true };
    } finally {
      this.saving -= 1;
    }
  }
}

export const systemStore = new SystemStore();

const sameSettings = (a: AppSettings | undefined, b: AppSettings): boolean =>
  a?.provider === b.provider && a.cpuThreads === b.cpuThreads;

/** "new runs use cpu, 3 CPU threads." — the settings in the Settings screen's words. */
export function describeSettings({ provider, cpuThreads }: AppSettings): string {
  const runs = provider === 'auto' ? "new runs use their preset's provider" : `new runs use ${provider}`;
  const threads = cpuThreads === 0 ? 'onnxruntime picks the CPU threads' : plural(cpuThreads, 'CPU thread');
  return `${runs}, ${threads}.`;
}
