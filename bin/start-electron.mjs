#!/usr/bin/env node
// `npm start`: run the desktop app. Electron's own postinstall (which downloads the Electron
// binary from GitHub) is denied in package.json "allowScripts", so fetch the binary here on
// first start, then build and launch with electron-vite.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

function hasElectronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!hasElectronBinary()) {
  console.log('Electron binary missing: downloading it once (npm run setup:electron)…');
  run(process.execPath, [join(electronDir, 'install.js')]);
}
run(process.execPath, [
  join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
  'preview',
  ...process.argv.slice(2),
]);
