// The renderer's exports store: each run's export in this window (lib/exportJobs.ts holds the
// rules), so that the Train screen's Export panel, which goes with its screen and its run, shows
// an export as it stands when the person comes back to it, and the Train screen can tell what
// became of an export whose run was removed meanwhile. Fed by `export.progress`, `runs.renamed`,
// `runs.removed` and `runs.statusChanged` (as a run starts to train, an error of an export made
// before goes); built on `api` only.

import { subscribe } from '../../../shared/transport';
import { api, connection } from './api';
import { ExportJobs } from './exportJobs';

function reactive<T extends object>(value: T): T {
  const state = $state(value);
  return state;
}

export const exportsStore = new ExportJobs({ run: (request) => api.export.run(request), reactive });

subscribe(connection.bridge, 'export.progress', (progress) => exportsStore.progressed(progress));
subscribe(connection.bridge, 'runs.renamed', ({ runId, name }) => exportsStore.renamed(runId, name));
subscribe(connection.bridge, 'runs.removed', ({ runId }) => exportsStore.removed(runId));
subscribe(connection.bridge, 'runs.statusChanged', ({ runId, status }) => exportsStore.statusChanged(runId, status));
