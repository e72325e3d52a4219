// The first command after an update that migrates the data directory's database says so once,
// on stderr (stdout keeps the result, JSON included): from which schema to which, and the copy
// kept of it as it was, the way back to the older version. A later command says nothing of it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { databaseFileName, openStore } from '../../../src/main/store/db';
import { latestSchemaVersion, migrations } from '../../../src/main/store/migrations';
import { runSpanfill as cli } from '../../support/cli';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-cli-update-');

describe('a command on a database an older Spanfill wrote', () => {
  it('says once, on stderr, that it migrated it and where the copy of it as it was lies', async () => {
    const dataDir = tempDir();
    openStore(dataDir, { migrations: migrations.filter((m) => m.version <= 3) }).close();
    const file = path.join(dataDir, databaseFileName);
    const first = await cli(['runs', '--json', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    expect(() => JSON.parse(first.stdout) as unknown).not.toThrow();
    const lines = first.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${file} from schema 3 to ${latestSchemaVersion}`);
    expect(lines[0]).toContain(`replace ${file} with ${file}.schema-3.bak`);
    const second = await cli(['runs', '--data-dir', dataDir]);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
  });
});
