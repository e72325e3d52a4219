// An export into a new folder killed (SIGKILL, a crash) while it writes leaves its hidden
// `.NAME.export-…` staging folder beside the destination. The export service records that folder
// in <data dir>/exporting while it exists, so the next start (any command, the app) removes what
// a killed export left, wherever it was, and so does the next export (not only one into the same
// parent folder). Another export's staging folder, in a process that still runs, stays.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { killHard, tsChildren } from '../../support/tsChild';
import { runsServiceKit } from './runs-support';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const { tempDir, open } = runsServiceKit();
/** An export by data directory argv[0] of folder argv[1] into argv[2] (argv[3] 'force': forced) that writes for ever (fixtures/exportingChild.ts); its line: its staging folder. */
const startExport = tsChildren(path.join(__dirname, 'fixtures', 'exportingChild.ts'));

describe('an export into a new folder killed while it writes', () => {
  it('leaves nothing once the data directory is opened again or exported from; a live export keeps its folder', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    open(data); // the data directory, made
    const killed = await startExport(data, SPM, path.join(dir, 'away', 'tuned'));
    expect(path.basename(killed.line)).toMatch(/^\.tuned\.export-/);
    expect(fs.readdirSync(path.join(dir, 'away'))).toEqual([path.basename(killed.line)]);
    const live = await startExport(data, SPM, path.join(dir, 'other', 'web'));
    await killHard(killed.proc);
    const app = open(data); // a start: any command, the app
    expect(fs.readdirSync(path.join(dir, 'away'))).toEqual([]);
    expect(fs.existsSync(live.line)).toBe(true);
    await killHard(live.proc);
    // The next export of that app, into a folder elsewhere, removes what the second one left.
    const out = path.join(dir, 'x');
    const result = await app.export.run({ sourceDir: SPM, format: 'hf', out, force: false });
    expect(result.files).toContain('model.safetensors');
    expect(fs.readdirSync(path.join(dir, 'other'))).toEqual([]);
    expect(fs.existsSync(path.join(data, 'exporting'))).toBe(false); // with its last record
  }, 60_000);
});

// One forced into a folder holding an earlier export stages inside it (`.spanfill-export-…`,
// beside the folder's lock): killed, those stay in the folder. Recorded the same way, the next
// start or export anywhere clears them, and the earlier export is as it was.
describe('an export into a folder that exists killed while it writes', () => {
  it('leaves the earlier export as it was once the data directory is opened again or exported from', async () => {
    const dir = tempDir();
    const data = path.join(dir, 'data');
    const app = open(data);
    const out = path.join(dir, 'tuned');
    await app.export.run({ sourceDir: SPM, format: 'hf', out, force: false });
    const earlier = fs.readdirSync(out).sort();
    const killed = await startExport(data, SPM, out, 'force');
    expect(path.dirname(killed.line)).toBe(out);
    expect(path.basename(killed.line)).toMatch(/^\.spanfill-export-/);
    await killHard(killed.proc);
    expect(fs.readdirSync(out).sort()).not.toEqual(earlier); // its staging folder and lock, left
    open(data); // a start: any command, the app
    expect(fs.readdirSync(out).sort()).toEqual(earlier);
    expect(fs.existsSync(path.join(data, 'exporting'))).toBe(false);
    // Again, and this time the next export, into a folder elsewhere, clears it.
    await killHard((await startExport(data, SPM, out, 'force')).proc);
    await app.export.run({ sourceDir: SPM, format: 'hf', out: path.join(dir, 'x'), force: false });
    expect(fs.readdirSync(out).sort()).toEqual(earlier);
    expect(fs.existsSync(path.join(data, 'exporting'))).toBe(false);
  }, 60_000);
});
