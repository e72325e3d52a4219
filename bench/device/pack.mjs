#!/usr/bin/env node
// Packs what `bench/device/measure.sh` needs on a Linux x64 GPU machine that has Python with
// PyTorch but neither Node nor this project's node_modules, into one file small enough to
// travel with a checkout: `.device/kit.tar.xz` (the folder is git-ignored).
//
//   kit/node               this Node binary
//   kit/app/cli.js         the CLI and the engine host (host.js), bundled with esbuild; only
//   kit/app/host.js        the native packages stay outside the bundle, copied under
//   kit/app/node_modules/  onnxruntime-node (linux x64 binaries), onnxruntime-common,
//                          better-sqlite3 (its addon) and the two small modules it loads it with
//   kit/app/resources/     the bundled resources (resources.ts finds them next to package.json)
//   kit/app/bench/         torch_t5.py and its t5_model.py, for `bench compare`
//   kit/debs/              Debian's Vulkan loader and GL dispatch libraries (apt-get download),
//                          which the WebGPU provider loads; measure.sh unpacks them with dpkg -x
//
// usage: node bench/device/pack.mjs [--out DIR] [--no-compress] [--no-debs]
//   --out DIR       where to write (default .device in the checkout)
//   --no-compress   leave DIR/kit as a folder instead of DIR/kit.tar.xz (tests; measure.sh takes either)
//   --no-debs       skip the Debian packages (WebGPU then needs the machine's own libvulkan)

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The Debian packages the WebGPU provider needs on a machine with only an NVIDIA driver. */
export const VULKAN_DEBS = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];

/** What a run may carry with the checkout (the device tool's limit), less room for the checkout. */
const MAX_KIT_BYTES = 56 * 2 ** 20;

/** Files and folders copied from node_modules: the native packages, Linux x64 only. */
const NATIVE_FILES = [
  'onnxruntime-node/package.json',
  'onnxruntime-node/dist',
  'onnxruntime-node/bin/napi-v6/linux/x64',
  'onnxruntime-common',
  'better-sqlite3/package.json',
  'better-sqlite3/lib',
  'better-sqlite3/build/Release/better_sqlite3.node',
  'bindings',
  'file-uri-to-path',
];

function parseArgs(argv) {
  const options = { out: path.join(root, '.device'), compress: true, debs: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out' && argv[i + 1]) options.out = path.resolve(argv[++i]);
    else if (arg === '--no-compress') options.compress = false;
    else if (arg === '--no-debs') options.debs = false;
    else
      throw new Error(`pack.mjs: unknown argument '${arg}'; usage: pack.mjs [--out DIR] [--no-compress] [--no-debs]`);
  }
  return options;
}

/** The CLI and the host entry as two ESM files; native and optional packages stay external. */
async function bundle(app) {
  await build({
    entryPoints: { cli: path.join(root, 'src/main/cli/index.ts'), host: path.join(root, 'src/main/host/entry.ts') },
    outdir: app,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // @huggingface/transformers is imported lazily (hub tokenizers), never by the benches.
    external: ['onnxruntime-node', 'better-sqlite3', '@huggingface/transformers', 'sharp', 'electron'],
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __spanfillRequire } from 'node:module';\nconst require = __spanfillRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(app, 'package.json'), '{ "type": "module" }\n');
}

function copyInto(app) {
  for (const file of NATIVE_FILES) {
    fs.cpSync(path.join(root, 'node_modules', file), path.join(app, 'node_modules', file), { recursive: true });
  }
  fs.cpSync(path.join(root, 'resources'), path.join(app, 'resources'), { recursive: true });
  for (const file of ['bench/torch_t5.py', 'bench/t5_model.py']) fs.cpSync(path.join(root, file), path.join(app, file));
}

/** apt-get download of VULKAN_DEBS into dir; a warning (not a failure) when apt cannot fetch them. */
function downloadDebs(dir) {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('apt-get', ['download', ...VULKAN_DEBS], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const why = String(error.stderr ?? error.message)
      .trim()
      .split('\n')
      .pop();
    console.warn(
      `pack.mjs: could not download ${VULKAN_DEBS.join(' ')} (${why}); WebGPU on the device will need its own libvulkan1`,
    );
  }
}

async function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `pack.mjs packs for Linux x64 (the GPU machine) and must run on one; this is ${process.platform} ${process.arch}`,
    );
  const options = parseArgs(process.argv.slice(2));
  const kit = path.join(options.out, 'kit');
  fs.rmSync(kit, { recursive: true, force: true });
  fs.rmSync(path.join(options.out, 'kit.tar.xz'), { force: true });
  const app = path.join(kit, 'app');
  await bundle(app);
  copyInto(app);
  fs.copyFileSync(process.execPath, path.join(kit, 'node'));
  fs.chmodSync(path.join(kit, 'node'), 0o755);
  if (options.debs) downloadDebs(path.join(kit, 'debs'));
  if (!options.compress) {
    console.log(`kit: ${kit}`);
    return;
  }
  const archive = path.join(options.out, 'kit.tar.xz');
  execFileSync('tar', ['-C', options.out, '-cJf', archive, 'kit'], { env: { ...process.env, XZ_OPT: '-6 -T0' } });
  fs.rmSync(kit, { recursive: true });
  const bytes = fs.statSync(archive).size;
  if (bytes > MAX_KIT_BYTES)
    throw new Error(
      `${archive} is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${MAX_KIT_BYTES / 2 ** 20} MiB a run can carry`,
    );
  console.log(`kit: ${archive} (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
