// A real `spanfill import` killed with SIGKILL mid-way (issue #9's "kill during import"
// surface): the next command finds the abandoned 'importing' row, removes it with its
// documents, the database passes integrity_check, and the same file then imports whole.
// The Ctrl-C case is test/main/cli/index.test.ts; a killed trainer is train.kill.test.ts.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { databaseFileName } from '../../../src/main/store/db';
import type { DatasetSummary } from '../../../src/shared/contract/datasets';
import { jsonResult, runSpanfill } from '../../support/cli';
import { startCli, waitUntil, type CliProcess } from '../../support/cli-process';
import { storedDatasets } from '../../support/store-peek';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-import-kill-');
const started: CliProcess[] = [];
afterEach(() => {
  for (const cli of started.splice(0)) cli.kill();
});

describe.runIf(process.platform === 'linux')('spanfill import killed with SIGKILL', () => {
  it('leaves nothing half-imported once the next command opens the store, and the file imports again', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const file = path.join(dir, 'big.txt');
    const paragraphs = 1_000_000;
    fs.writeFileSync(file, Array.from({ length: paragraphs }, (_, i) => `paragraph ${i} of a long text`).join('\n\n'));

    const cli = startCli(['import', file, '--data-dir', dataDir]);
    started.push(cli);
    await waitUntil(() => storedDatasets(dataDir).documents > 0, 'the import has stored documents');
    cli.kill();
    expect(await cli.status).toBe(128 + 9);
    const left = storedDatasets(dataDir);
    expect(left.statuses).toEqual(['importing']);
    expect(left.documents).toBeGreaterThan(0);

    const listed = await runSpanfill(['datasets', '--json', '--data-dir', dataDir]);
    expect(listed.code, listed.stderr).toBe(exitCodes.ok);
    expect(jsonResult<{ datasets: DatasetSummary[] }>(listed.stdout).datasets).toEqual([]);
    expect(storedDatasets(dataDir)).toEqual({ statuses: [], documents: 0 });
    const db = new Database(path.join(dataDir, databaseFileName), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const again = await runSpanfill(['import', file, '--json', '--data-dir', dataDir]);
    expect(again.code, again.stderr).toBe(exitCodes.ok);
    expect(storedDatasets(dataDir)).toEqual({ statuses: ['ready'], documents: paragraphs });
  });
});
