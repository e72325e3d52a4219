// Commands that the CLI's messages name, pasted into a shell, reach the data directory the
// printing command used: the services' messages (which name none: the app adds it where it
// shows them) and the CLI's own, rewritten where they are printed (shared/commandText.ts
// withDataDir) — in text, on stderr, and in --json's error message.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { resumeAdvice } from '../../../src/main/services/runsFailure';
import { openStore } from '../../../src/main/store/db';
import { RunRepository } from '../../../src/main/store/runs';
import { runConfigSchema, type RunDetail } from '../../../src/shared/contract/runs';
import { runSpanfill as cli } from '../../support/cli';
import { addDatasetRow } from '../../support/storeRows';
import { tempDirs } from '../../support/tmp';
import { importTexts } from './commands/train-support';

const tempDir = tempDirs('spanfill-datadir-messages-');

/** A data directory whose path has a space in it, and the --data-dir words that name it. */
function spacedDataDir(): { dataDir: string; quoted: string; data: string[] } {
  const dataDir = path.join(tempDir(), 'my data');
  return { dataDir, quoted: `'${dataDir}'`, data: ['--data-dir', dataDir] };
}

describe('commands named in messages, under --data-dir or SPANFILL_DATA_DIR', () => {
  it("names the data directory in runs' hint for an empty list", async () => {
    const { quoted, data } = spacedDataDir();
    const { code, stdout } = await cli(['runs', ...data]);
    expect(code).toBe(exitCodes.ok);
    expect(stdout).toContain(
      `No runs yet; \`spanfill train --dataset ID --preset quick --data-dir ${quoted}\` starts one`,
    );
  });

  it("names it in a service's error, as text and as the --json error's message", async () => {
    const { dataDir, quoted, data } = spacedDataDir();
    const said = `No run nope; \`spanfill runs list --data-dir ${quoted}\` shows the ids`;
    const text = await cli(['runs', 'rm', 'nope', ...data]);
    expect(text.code).toBe(exitCodes.failure);
    expect(text.stderr).toBe(`spanfill runs: ${said}\n`);
    const json = await cli(['runs', 'rm', 'nope', '--json'], { SPANFILL_DATA_DIR: dataDir });
    expect(json.code).toBe(exitCodes.failure);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'not_found', message: said } });
  });

  it("names it in a run's stored error in runs show; --json gives the error as stored", async () => {
    const { dataDir, quoted, data } = spacedDataDir();
    const store = openStore(dataDir);
    addDatasetRow(store.db, 'ds-1');
    const runs = new RunRepository(store.db);
    const config = runConfigSchema.parse({ datasetId: 'ds-1', model: 'builtin:byt5-tiny', maxSteps: 10 });
    runs.add({ id: 'r-aaaaaaaa', name: 'one', config, totalSteps: 10, status: 'queued' });
    runs.setStatus('r-aaaaaaaa', 'interrupted', { error: resumeAdvice('r-aaaaaaaa', 'step 4') });
    store.close();
    const shown = await cli(['runs', 'show', 'r-aaaaaaaa', ...data]);
    expect(shown.code, shown.stderr).toBe(exitCodes.ok);
    expect(shown.stdout).toContain(`Resume (in a terminal: \`spanfill runs resume r-aaaaaaaa --data-dir ${quoted}\`)`);
    const json = await cli(['runs', 'show', 'r-aaaaaaaa', '--json', ...data]);
    expect((JSON.parse(json.stdout) as { run: RunDetail }).run.error).toBe(resumeAdvice('r-aaaaaaaa', 'step 4'));
  });

  it('names it in a warning on stderr', async () => {
    const { dataDir, quoted, data } = spacedDataDir();
    expect((await cli(['settings', 'threads', '1', ...data])).code).toBe(exitCodes.ok);
    const store = openStore(dataDir);
    store.db.prepare("UPDATE settings SET value_json = ? WHERE key = 'app'").run('{"provider":');
    store.close();
    const { code, stderr } = await cli(['settings', ...data]);
    expect(code).toBe(exitCodes.ok);
    expect(stderr).toContain(`(\`spanfill settings --data-dir ${quoted}\`, or the Settings screen)`);
  });

  it("leaves a dataset's text as it is, where a command it repeats would otherwise be rewritten", async () => {
    const { dataDir, data } = spacedDataDir();
    fs.mkdirSync(dataDir);
    const text = 'the docs say `spanfill runs list` lists runs';
    const dataset = await importTexts(dataDir, [text]);
    const shown = await cli(['datasets', 'show', dataset, ...data]);
    expect(shown.code, shown.stderr).toBe(exitCodes.ok);
    expect(shown.stdout).toContain(JSON.stringify(text));
  });

  it('leaves the commands as they are when neither chose the data directory', async () => {
    const home = tempDir();
    const env = { HOME: home, XDG_DATA_HOME: path.join(home, 'share') };
    const { stdout } = await cli(['runs'], env);
    expect(stdout).toContain('No runs yet; `spanfill train --dataset ID --preset quick` starts one');
    const { stderr } = await cli(['runs', 'rm', 'nope'], env);
    expect(stderr).toBe('spanfill runs: No run nope; `spanfill runs list` shows the ids\n');
  });
});
