// Rows the watchers' tests write as another process would (modelsWatch.test.ts, listedRows.test.ts).

import type { NewModelRow } from '../../../src/main/store/models';

/** A registered model `id`, named `id`, whose folder is nowhere (the watchers read rows only). */
export const modelRow = (id: string): NewModelRow => ({
  id,
  name: id,
  kind: 'base',
  path: `/models/${id}`,
  source: `/models/${id}`,
  source_kind: 'folder',
  revision: null,
  commit_sha: null,
  size_bytes: 1,
  model_type: 't5',
  parameter_count: 1,
  config_json: '{}',
});
