// Migrating the store to the latest schema: the migrations a database lacks, in one transaction
// that holds the write lock, after a copy of a database an older version wrote (schemaCopy.ts);
// a database a newer version wrote is refused.

import type Database from 'better-sqlite3';
import type { Migration } from './migrations';
import { StoreError } from './openRefusals';
import { goBackAdvice, keepSchemaCopy, type SchemaCopier, type SchemaMigration } from './schemaCopy';

export function readUserVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies the migrations the database lacks, all in one transaction taken with the write lock
 * first (IMMEDIATE): a crash leaves all or none, and another process opening it meanwhile waits,
 * then finds it migrated. A database an older version wrote (not a new one) is copied first, in
 * that lock, through a second connection (VACUUM INTO cannot run in a transaction), so the copy
 * misses nothing another process wrote.
 */
export function migrate(
  db: Database.Database,
  file: string,
  list: readonly Migration[],
  copier: SchemaCopier,
): SchemaMigration | undefined {
  const latest = list.length > 0 ? list[list.length - 1].version : 0;
  const found = readUserVersion(db);
  if (found > latest) throw newerVersionError(file, found, latest);
  if (found === latest) return undefined;
  return db
    .transaction(() => {
      const from = readUserVersion(db);
      if (from > latest) throw newerVersionError(file, from, latest); // by another process as this one waited
      if (from === latest) return undefined;
      const copy = from > 0 ? keepSchemaCopy(db, file, from, copier) : undefined;
      for (const migration of list) {
        if (migration.version <= from) continue;
        db.exec(migration.sql);
        db.pragma(`user_version = ${migration.version}`);
      }
      return copy === undefined ? undefined : { from, to: latest, copy };
    })
    .immediate();
}

function newerVersionError(file: string, found: number, latest: number): StoreError {
  const goBack = goBackAdvice(file, latest);
  return new StoreError(
    `The database ${file} was written by a newer version of Spanfill (schema ${found}; ` +
      `this version knows up to ${latest}). Upgrade Spanfill, or use another --data-dir.${goBack ? ` ${goBack}` : ''}`,
  );
}
