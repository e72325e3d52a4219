// Numbered migrations. The database's PRAGMA user_version is the number of the last one
// applied. To change the schema, add a file NNN_what.ts and append it here; never edit a
// migration that has shipped.

import { initialSchema } from './001_initial';
import { modelsSchema } from './002_models';
import { runsSchema } from './003_runs';
import { playgroundSchema } from './004_playground';
import { checkpointPathsSchema } from './005_checkpoint_paths';
import { ownerStartedAtSchema } from './006_owner_started_at';
import { ownerIdentitySchema } from './007_owner_identity';
import { splitKeysSchema } from './008_split_keys';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initialSchema },
  { version: 2, name: 'models', sql: modelsSchema },
  { version: 3, name: 'runs', sql: runsSchema },
  { version: 4, name: 'playground', sql: playgroundSchema },
  { version: 5, name: 'checkpoint paths', sql: checkpointPathsSchema },
  { version: 6, name: 'owner start times', sql: ownerStartedAtSchema },
  { version: 7, name: 'owner boot ids and start ticks', sql: ownerIdentitySchema },
  { version: 8, name: 'document split keys', sql: splitKeysSchema },
];

export const latestSchemaVersion = migrations.length;
