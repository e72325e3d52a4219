// The export lock across processes: while another process writes an export to a folder (the
// app, here fixtures/exportChild.ts, whose export into the folder never ends), a real
// `spanfill export` process to the same folder is refused, forced or not, exit 1, naming that
// process and saying to wait or choose another folder — not offered --force, and nothing of it
// is left. Once that process is gone (killed), `spanfill export` writes the folder. Where that
// process exports a run on the same data directory, the refusal names the run and step too.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { startCli, type CliProcess } from '../../support/cli-process';
import { tempDirs } from '../../support/tmp';
import { killHard, tsChildren } from '../../support/tsChild';

const FIXTURE = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-cli-export-other-');
const startExport = tsChildren(path.join(__dirname, '../engine/export/fixtures/exportChild.ts'));
/** An export service of data directory argv[0] exporting run r-1 ('tiny') with checkpoint folder argv[1] into argv[2] for ever. */
const startRunExport = tsChildren(path.join(__dirname, '../services/fixtures/exportingChild.ts'));
const started: CliProcess[] = [];
afterEach(() => {
  for (const cli of started.splice(0)) cli.kill();
});

/** `spanfill export` of the fixture to `out` as its own process; its exit status and what it printed. */
async function exportTo(out: string, dataDir: string, ...flags: string[]) {
  const cli = startCli(['export', '--model', FIXTURE, '--format', 'hf', '--out', out, '--data-dir', dataDir, ...flags]);
  started.push(cli);
  return { status: await cli.status, stdout: cli.stdout(), stderr: cli.stderr() };
}

describe('spanfill export to a folder another process is writing', () => {
  it('is refused, forced or not, naming that process, until it is gone', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    for (const out of [path.join(dir, 'new'), path.join(dir, 'there')]) {
      if (path.basename(out) === 'there') fs.mkdirSync(out); // written into under its lock, not staged beside
      const other = await startExport(out);
      for (const flags of [[], ['--force']]) {
        const refused = await exportTo(out, dataDir, ...flags);
        expect(refused.stderr.trim()).toBe(
          `spanfill export: An export in another Spanfill process (pid ${other.proc.pid}: the app, or spanfill ` +
            `in a terminal) is writing ${out} now; wait for it to finish, or choose another folder`,
        );
        expect(refused.status).toBe(exitCodes.failure);
      }
      await killHard(other.proc);
      const written = await exportTo(out, dataDir);
      expect(written.stderr).toBe('');
      expect(written.status).toBe(exitCodes.ok);
      expect(fs.readdirSync(out)).toContain('spanfill-export.json');
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['data', 'new', 'there']);
  }, 120_000);

  it("names the run and checkpoint step the other process exports, where it shares spanfill's data directory", async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const checkpoint = path.join(dir, 'checkpoints', 'step-00000040');
    fs.cpSync(FIXTURE, checkpoint, { recursive: true });
    const out = path.join(dir, 'new');
    const other = await startRunExport(dataDir, checkpoint, out, 'run');
    const refused = await exportTo(out, dataDir, '--force');
    expect(refused.stderr.trim()).toBe(
      `spanfill export: An export in another Spanfill process (pid ${other.proc.pid}: the app, or spanfill ` +
        `in a terminal), of run 'tiny' (r-1) at checkpoint step 40, is writing ${out} now; wait for it to ` +
        'finish, or choose another folder',
    );
    expect(refused.status).toBe(exitCodes.failure);
  }, 60_000);
});
