// A model registered on a folder inside the data directory, as a Spanfill from before
// models.import refused such folders left it (a row of a folder model; models.import would refuse).
import type { AppServices } from '../../../src/main/services/app';

export function registerFolderModel(app: AppServices, id: string, name: string, folder: string): void {
  const row = [id, name, 'base', folder, folder, 'folder', 1, 't5', 1, '{}', 'now'];
  app.store.db
    .prepare(
      'INSERT INTO models (id, name, kind, path, source, source_kind, size_bytes, model_type, parameter_count, config_json, created_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(...row);
}
