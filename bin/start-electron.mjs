#!/usr/bin/env node
// `npm start` (and `npm run dev`): run the desktop app from this checkout. Two one-time
// steps first: Electron's binary (its postinstall download is denied in "allowScripts") and
// a better-sqlite3 addon built for Electron's ABI, kept apart from node_modules so the Node
// build that the CLI and tests load stays untouched. Then electron-vite preview (or dev).

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = join(root, 'node_modules');
const electronDir = join(modules, 'electron');
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
const cacheDir = join(modules, '.cache', 'spanfill-electron', electronVersion);
const sqliteBinding = join(cacheDir, 'better_sqlite3.node');

function run(command, args, cwd = root, env = process.env) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function hasElectronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

if (!hasElectronBinary()) {
  console.log('Downloading the Electron binary once (npm run setup:electron)…');
  run(process.execPath, [join(electronDir, 'install.js')]);
}

if (!existsSync(sqliteBinding)) {
  console.log(`Building better-sqlite3 for Electron ${electronVersion} once…`);
  const work = join(cacheDir, 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  cpSync(join(modules, 'better-sqlite3'), work, { recursive: true });
  rmSync(join(work, 'build'), { recursive: true, force: true });
  // Prefer a prebuilt addon; compile with node-gyp against Electron's headers otherwise.
  const prebuild = spawnSync(
    process.execPath,
    [join(modules, 'prebuild-install', 'bin.js'), '--runtime', 'electron', '--target', electronVersion],
    { cwd: work, stdio: 'inherit' },
  );
  if (prebuild.status !== 0) {
    run(
      process.execPath,
      [
        join(modules, 'node-gyp', 'bin', 'node-gyp.js'),
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        '--dist-url=https://electronjs.org/headers',
      ],
      work,
    );
  }
  cpSync(join(work, 'build', 'Release', 'better_sqlite3.node'), sqliteBinding);
}

const mode = process.argv[2] === 'dev' ? 'dev' : 'preview';
const extra = process.argv.slice(mode === 'dev' ? 3 : 2);
run(process.execPath, [join(modules, 'electron-vite', 'bin', 'electron-vite.js'), mode, ...extra], root, {
  ...process.env,
  SPANFILL_SQLITE_BINDING: sqliteBinding,
});
