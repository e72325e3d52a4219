// Export destinations the system decides about (folder.test.ts has the rules of the folders
// themselves): a parent that cannot be made under /proc, a folder whose user may write only
// into it, and a folder that is a mount point.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFolderAtomically } from '../../../../src/main/engine/export/folder';
import { tempDirs } from '../../../support/tmp';

const root = tempDirs('spanfill-folder-system-');

describe.runIf(process.platform === 'linux')('writeFolderAtomically under /proc', () => {
  it('refuses at once a destination whose parent cannot be made there, naming the kernel file system', () => {
    // In a child process killed after 20 s: Node 20's recursive mkdir loops for ever under /proc,
    // and a test that hung would hang the suite.
    const source = pathToFileURL(join(import.meta.dirname, '../../../../src/main/engine/export/folder.ts')).href;
    const script =
      `import { writeFolderAtomically } from ${JSON.stringify(source)};` +
      "writeFolderAtomically('/proc/nope/x/out', { force: false, about: {} }, async () => {})" +
      '.then(() => console.log("written"), (e) => console.log(e.message));';
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
      killSignal: 'SIGKILL',
    });
    expect(child.signal, 'the export did not return within 20 s').toBeNull();
    expect(child.stdout.trim()).toBe(
      "Cannot create /proc/nope/x/out: /proc is on the kernel's proc file system, where no files or folders can be made; " +
        'choose a folder you can write to',
    );
  });
});

/** setpriv's arguments to run a command as nobody, with no supplementary groups. */
const AS_NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'];

/** Whether this test may run a process as nobody (root, with setpriv): the permission cases need another user. */
const canRunAsNobody =
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  spawnSync('setpriv', [...AS_NOBODY, process.execPath, '--version']).status === 0;

describe.runIf(canRunAsNobody)('writeFolderAtomically as a user who may write only into the folder', () => {
  // The export code bundled into a folder nobody can read: the checkout itself may sit under a
  // folder only root may enter (a clone in a mkdtemp folder, mode 700), and so may tsx.
  let bundle: string;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spanfill-folder-bundle-'));
    chmodSync(dir, 0o755);
    bundle = join(dir, 'folder.mjs');
    const source = join(import.meta.dirname, '../../../../src/main/engine/export/folder.ts');
    await build({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      logLevel: 'silent',
    });
    chmodSync(bundle, 0o644);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** What an export by `nobody` into `out` says (its message, or "written"). */
  const exportAsNobody = (out: string): string => {
    const script =
      `import { writeFolderAtomically } from ${JSON.stringify(pathToFileURL(bundle).href)};` +
      "writeFolderAtomically(process.argv[1], { force: true, about: { format: 'hf', source: 't' } }, async (dir) =>" +
      " (await import('node:fs')).writeFileSync(dir + '/w.txt', 'w'))" +
      '.then(() => console.log("written"), (e) => console.log(e.message));';
    const run = spawnSync('setpriv', [...AS_NOBODY, process.execPath, '--input-type=module', '-e', script, out], {
      encoding: 'utf8',
      timeout: 20_000,
      cwd: '/',
    });
    return `${run.stdout}${run.stderr}`.trim();
  };

  it("writes into an empty folder of the user's in a parent it cannot write, keeping the folder private", () => {
    const parent = root();
    chmodSync(parent, 0o755);
    const out = join(parent, 'alice');
    mkdirSync(out, { mode: 0o700 });
    chownSync(out, uidOf('nobody'), statSync(parent).gid);
    expect(exportAsNobody(out)).toBe('written');
    expect(exportAsNobody(out)).toBe('written'); // and again, forced
    expect(statSync(out).mode & 0o777).toBe(0o700);
    expect(readdirSync(out).sort()).toEqual(['spanfill-export.json', 'w.txt']);
  });

  it('says what to do about a folder the user cannot write into', () => {
    const out = join(root(), 'ro');
    mkdirSync(out);
    chmodSync(join(out, '..'), 0o755);
    chmodSync(out, 0o555);
    expect(exportAsNobody(out)).toBe(
      `Cannot write into ${out}: permission denied (EACCES); choose a folder you can write to`,
    );
  });
});

/** The uid of user `name`. */
function uidOf(name: string): number {
  return Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
}

/** Whether a tmpfs can be mounted here (root in a system or container that allows it). */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const at = join(root(), 'probe');
  mkdirSync(at);
  if (spawnSync('mount', ['-t', 'tmpfs', 'none', at]).status !== 0) return false;
  return spawnSync('umount', [at]).status === 0;
}

describe.runIf(canMount())('writeFolderAtomically into a mount point', () => {
  it('writes into an empty file system mounted on the folder, and replaces its export there when forced', async () => {
    const out = join(root(), 'mnt');
    mkdirSync(out);
    expect(spawnSync('mount', ['-t', 'tmpfs', 'none', out]).status).toBe(0);
    try {
      const exportOf = (name: string, force: boolean) =>
        writeFolderAtomically(out, { force, about: { format: 'hf', source: '/models/t5' } }, async (dir) =>
          writeFileSync(join(dir, name), name),
        );
      await exportOf('old.txt', false);
      await exportOf('new.txt', true);
      expect(readdirSync(out).sort()).toEqual(['new.txt', 'spanfill-export.json']);
      expect(spawnSync('mountpoint', ['-q', out]).status).toBe(0);
    } finally {
      spawnSync('umount', [out]);
    }
  });
});
