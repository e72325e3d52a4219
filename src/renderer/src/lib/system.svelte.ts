// The renderer's system store: what `system.info` returned, whether a probe is running, and
// the last error. The pattern for every domain (one store per domain, built on `api` only):
// state in runes, read through getters, changed only by the store's own actions.

import type { SystemInfo } from '../../../shared/contract';
import { api } from './api';

class SystemStore {
  info: SystemInfo | undefined = $state();
  error: string | undefined = $state();
  isLoading = $state(false);

  /** Ask main for the system facts; refresh re-probes the execution providers. */
  async load(refresh = false): Promise<void> {
    this.isLoading = true;
    this.error = undefined;
    try {
      this.info = await api.system.info({ refresh });
    } catch (caught) {
      this.error = caught instanceof Error ? caught.message : String(caught);
    } finally {
      this.isLoading = false;
    }
  }
}

export const systemStore = new SystemStore();
