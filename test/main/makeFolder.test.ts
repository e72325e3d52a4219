// makeFolder.ts: the missing levels are made one by one; a file in the way, a kernel file
// system (/proc, where Node 20's recursive mkdir loops for ever) and a folder that cannot be
// written are refused, naming where, before anything is made. The refusals run in a child
// process killed after a time limit, so a makeFolder that hangs fails the test instead of
// hanging the suite; the unwritable one as an unprivileged user where the tests run as root
// (root may write in a read-only folder). The child runs makeFolder.ts bundled by esbuild into a
// folder anyone may read: that user may not reach the checkout (a clone under a 0700 mkdtemp).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { makeFolder } from '../../src/main/makeFolder';
import { tempDirs } from '../support/tmp';

const tempDir = tempDirs('spanfill-make-folder-');
const source = path.resolve(import.meta.dirname, '../../src/main/makeFolder.ts');
const NOBODY = 65534;

/** makeFolder.ts and what it imports as one ES module in a new folder every user may read. */
function bundled(): string {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, 'makeFolder.mjs');
  buildSync({
    entryPoints: [source],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: file,
    logLevel: 'silent',
  });
  fs.chmodSync(file, 0o644);
  return file;
}

interface Outcome {
  readonly made?: true;
  readonly name?: string;
  readonly problem?: string;
  readonly at?: string;
  readonly message?: string;
}

/** makeFolder(dir) in its own process, SIGKILLed after 20 s; what it made of it. */
function makeFolderInChild(dir: string, asNobody = false): Outcome {
  const module = bundled();
  const script =
    `import { makeFolder } from ${JSON.stringify(pathToFileURL(module).href)};` +
    'try { makeFolder(process.argv[1]); console.log(JSON.stringify({ made: true })); }' +
    'catch (e) { console.log(JSON.stringify({ name: e.name, problem: e.problem, at: e.at, message: e.message })); }';
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, dir], {
    cwd: path.dirname(module), // one the unprivileged user may be in
    encoding: 'utf8',
    timeout: 20_000,
    killSignal: 'SIGKILL',
    ...(asNobody ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  expect(child.signal, `makeFolder(${dir}) did not return within 20 s`).toBeNull();
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as Outcome;
}

describe('makeFolder', () => {
  it('makes every missing level, says the first it made, and leaves a folder that exists as it is', () => {
    const root = tempDir();
    const deep = path.join(root, 'a', 'b', 'c');
    // The first folder it made, as fs.mkdirSync(…, { recursive: true }) answers: what to remove to undo it.
    expect(makeFolder(deep)).toBe(path.join(root, 'a'));
    expect(fs.statSync(deep).isDirectory()).toBe(true);
    fs.writeFileSync(path.join(deep, 'kept'), 'x');
    expect(makeFolder(deep)).toBeUndefined();
    expect(makeFolder(path.join(root, 'a'))).toBeUndefined();
    expect(makeFolder(path.join(root, 'a', 'd'))).toBe(path.join(root, 'a', 'd'));
    expect(fs.readdirSync(deep)).toEqual(['kept']);
  });

  it('refuses a file at the path or above it, naming the file, and makes nothing', () => {
    const root = tempDir();
    const file = path.join(root, 'book.txt');
    fs.writeFileSync(file, 'text');
    for (const dir of [file, path.join(file, 'x', 'y')]) {
      expect(() => makeFolder(dir)).toThrow(
        expect.objectContaining({ name: 'FolderError', problem: 'file', at: file, message: `${file} is a file` }),
      );
    }
    expect(fs.readdirSync(root)).toEqual(['book.txt']);
  });

  describe.runIf(process.platform === 'linux')('on Linux', () => {
    it('refuses a folder under /proc at once, or /proc itself, naming the kernel file system', () => {
      for (const dir of ['/proc/nope/x', '/proc']) {
        expect(makeFolderInChild(dir), dir).toEqual({
          name: 'FolderError',
          problem: 'pseudo',
          at: '/proc',
          message: "/proc is on the kernel's proc file system, where no files or folders can be made",
        });
      }
    });

    it('refuses to make anything in a folder it cannot write', () => {
      const root = tempDir();
      const locked = path.join(root, 'locked');
      fs.mkdirSync(locked, { mode: 0o555 });
      fs.chmodSync(locked, 0o555);
      fs.chmodSync(root, 0o755); // the unprivileged user must reach it
      const outcome = makeFolderInChild(path.join(locked, 'a', 'b'), process.getuid?.() === 0);
      expect(outcome).toMatchObject({ name: 'FolderError', problem: 'unwritable', at: locked });
      expect(outcome.message).toMatch(new RegExp(`^${locked} cannot be written: EACCES`));
      expect(fs.readdirSync(locked)).toEqual([]);
    });
  });
});
