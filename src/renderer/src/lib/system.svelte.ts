// The renderer's system store: what `system.info` returned, whether a probe is running, the
// stored settings (`system.settings`: execution provider and CPU threads) and the last error.
// The pattern for every domain (one store per domain, built on `api` only): state in runes,
// read through getters, changed only by the store's own actions.

import type { SystemInfo } from '../../../shared/contract';
import type { AppSettings } from '../../../shared/contract/system';
import { api } from './api';
import { errorMessage } from '../../../shared/errors';

class SystemStore {
  info: SystemInfo | undefined = $state();
  error: string | undefined = $state();
  isLoading = $state(false);
  settings: AppSettings | undefined = $state();
  /** What the last save did, or why it failed. */
  settingsNotice: { readonly text: string; readonly isError: boolean } | undefined = $state();

  /** Ask main for the system facts; refresh re-probes the execution providers. */
  async load(refresh = false): Promise<void> {
    this.isLoading = true;
    this.error = undefined;
    try {
      this.info = await api.system.info({ refresh });
    } catch (caught) {
      this.error = errorMessage(caught);
    } finally {
      this.isLoading = false;
    }
  }

  async loadSettings(): Promise<void> {
    try {
      this.settings = await api.system.settings({});
    } catch (caught) {
      this.settingsNotice = { text: errorMessage(caught), isError: true };
    }
  }

  async saveSettings(changes: Partial<AppSettings>, said: string): Promise<void> {
    try {
      this.settings = await api.system.saveSettings(changes);
      this.settingsNotice = { text: said, isError: false };
    } catch (caught) {
      this.settingsNotice = { text: errorMessage(caught), isError: true };
    }
  }
}

export const systemStore = new SystemStore();
