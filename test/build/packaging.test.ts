// The electron-builder configuration (package.json "build"), checked without packaging (the
// Electron binary cannot be downloaded here): schema, targets per platform, icons, what goes
// into each platform's app and what is unpacked from the asar, judged by electron-builder's own
// file matchers (builder.ts) against the files that exist in this checkout.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUILD,
  isPackaged,
  isUnpacked,
  NODE_PLATFORM,
  PACKAGE,
  PLATFORMS,
  platformOptions,
  ROOT,
  targets,
  validateBuildConfig,
} from './builder';

const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

/** Width and height from a PNG's IHDR chunk; throws for anything that is not a PNG. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  if (bytes.subarray(1, 4).toString('latin1') !== 'PNG' || bytes.subarray(12, 16).toString('latin1') !== 'IHDR') {
    throw new Error(`${file} is not a PNG`);
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Every file under `dir` (relative to ROOT, '/' separators). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...walk(rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Folders of the production dependency tree (what electron-builder copies from node_modules). */
function productionPackageDirs(): string[] {
  let listing: string;
  try {
    listing = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
  } catch (error) {
    // NOTE: npm ls exits 1 on any tree problem (an extraneous package, say) but still lists the tree.
    listing = String((error as { stdout?: unknown }).stdout ?? '');
    if (listing === '') throw error;
  }
  return listing
    .split('\n')
    .map((line) => path.relative(ROOT, line.trim()).split(path.sep).join('/'))
    .filter((rel) => rel.startsWith('node_modules/'));
}

const NATIVE = /\.(node|dll|dylib)$|\.so(\.\d+)*$/;

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema, which rejects an unknown key", async () => {
    await expect(validateBuildConfig(BUILD)).resolves.toBeUndefined();
    const broken = { ...BUILD, linux: { ...BUILD.linux, notAnOption: true } };
    await expect(validateBuildConfig(broken as typeof BUILD)).rejects.toThrow(/configuration/i);
  });

  it('builds AppImage and deb on Linux, NSIS on Windows and a dmg on macOS', () => {
    expect(targets('linux').map((t) => t.target)).toEqual(['AppImage', 'deb']);
    expect(targets('win').map((t) => t.target)).toEqual(['nsis']);
    expect(targets('mac').map((t) => t.target)).toEqual(['dmg']);
  });

  it('targets only architectures onnxruntime-node ships a binding for', () => {
    for (const platform of PLATFORMS) {
      for (const { target, arch } of targets(platform)) {
        for (const a of arch) {
          const binding = `${ORT_BIN}/${NODE_PLATFORM[platform]}/${a}/onnxruntime_binding.node`;
          expect(existsSync(path.join(ROOT, binding)), `${platform} ${target} ${a}: ${binding}`).toBe(true);
        }
      }
    }
  });

  it('has a square PNG icon of at least 512×512 for every platform', () => {
    for (const platform of PLATFORMS) {
      const icon = platformOptions(platform).icon;
      expect(icon, platform).toMatch(/^build\//);
      const { width, height } = pngSize(path.join(ROOT, icon ?? ''));
      expect(width, `${platform} icon ${icon}`).toBeGreaterThanOrEqual(512);
      expect(height).toBe(width);
    }
  });

  it("packages the build's entry points, on every platform", () => {
    // What electron-vite writes (electron.vite.config.ts): the three main bundles, the preload, the renderer.
    const outputs = [PACKAGE.main, 'out/main/cli.js', 'out/main/host.js', 'out/preload/index.cjs'];
    outputs.push('out/renderer/index.html', 'package.json');
    for (const platform of PLATFORMS) {
      for (const file of outputs) expect(isPackaged(platform, file), `${platform}: ${file}`).toBe(true);
      expect(isPackaged(platform, 'out/main/index.js.map'), 'source maps stay out').toBe(false);
      expect(isPackaged(platform, 'src/main/index.ts'), 'sources stay out').toBe(false);
    }
    // After `npm run build` (npm test runs it first) those outputs exist.
    if (existsSync(path.join(ROOT, 'out'))) {
      for (const file of outputs) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
    }
  });

  it('copies resources/ (sample text, default model config) next to the app, where resources.ts looks', () => {
    const extra = BUILD.extraResources as { from: string; to: string; filter: string[] }[];
    expect(extra).toEqual([{ from: 'resources', to: 'resources', filter: ['**/*'] }]);
    for (const file of ['sample/sample.txt', 'sample/heldout.txt', 'models/byt5-tiny.json', 'README.md']) {
      expect(statSync(path.join(ROOT, 'resources', file)).size, file).toBeGreaterThan(0);
    }
  });

  it('unpacks every native library of the production dependencies from the asar', () => {
    const natives = [...new Set(productionPackageDirs().flatMap((dir) => walk(dir)))].filter((f) => NATIVE.test(f));
    expect(natives).toEqual(expect.arrayContaining([expect.stringMatching(/better_sqlite3\.node$/)]));
    for (const platform of PLATFORMS) {
      const packaged = natives.filter((file) => isPackaged(platform, file));
      for (const file of packaged) expect(isUnpacked(platform, file), `${platform}: ${file}`).toBe(true);
    }
  });

  it('matches something that exists with every asarUnpack entry', () => {
    const candidates = productionPackageDirs().flatMap((dir) => walk(dir));
    for (const pattern of BUILD.asarUnpack as string[]) {
      const hit = candidates.find((file) => isUnpacked('linux', file, [pattern]));
      expect(hit, `asarUnpack ${pattern}`).toBeDefined();
    }
  });

  it("ships each platform's onnxruntime binaries and leaves the other platforms' out", () => {
    for (const platform of PLATFORMS) {
      for (const other of PLATFORMS) {
        // (The binding of the architecture that platform's app targets: the others are left out below.)
        const dir = `${ORT_BIN}/${NODE_PLATFORM[other]}/${targets(other)[0].arch[0]}`;
        const file = walk(dir).find((f) => f.endsWith('onnxruntime_binding.node')) ?? '';
        expect(isPackaged(platform, file), `${platform} app holds ${file}`).toBe(platform === other);
      }
    }
  });

  it('ships only the architectures each platform targets (no arm64 binaries in an x64 app)', () => {
    for (const platform of PLATFORMS) {
      const arches = new Set(targets(platform).flatMap((t) => t.arch));
      const platformDir = `${ORT_BIN}/${NODE_PLATFORM[platform]}`;
      for (const arch of readdirSync(path.join(ROOT, platformDir))) {
        const binding = walk(`${platformDir}/${arch}`).find((f) => f.endsWith('onnxruntime_binding.node')) ?? '';
        expect(isPackaged(platform, binding), `${platform} app holds ${binding}`).toBe(arches.has(arch));
      }
    }
  });

  it("leaves onnxruntime-web out: transformers' Node build bundles what it runs and never loads it", () => {
    // What the app imports (tokenizers) comes from @huggingface/transformers' Node build, which
    // loads onnxruntime-node through require; onnxruntime-web (141 MB) is a dependency for browsers.
    const dist = 'node_modules/@huggingface/transformers/dist';
    for (const file of ['transformers.node.cjs', 'transformers.node.mjs']) {
      const code = readFileSync(path.join(ROOT, dist, file), 'utf8');
      expect(code, file).not.toMatch(/(require|import)\s*\(?\s*["']onnxruntime-web/);
      expect(code, file).not.toMatch(/from\s*["']onnxruntime-web/);
    }
    const web = walk('node_modules/onnxruntime-web');
    expect(web.length).toBeGreaterThan(0);
    for (const platform of PLATFORMS)
      for (const file of web) expect(isPackaged(platform, file), `${platform}: ${file}`).toBe(false);
  });

  it('includes and unpacks the CUDA provider libraries on Linux when setup:cuda has fetched them', () => {
    // The file names onnxruntime-node's installer writes for `npm run setup:cuda` (CUDA 12).
    const metadata = createRequire(import.meta.url)('onnxruntime-node/script/install-metadata.js') as {
      manifests: Record<string, Record<string, unknown>>;
    };
    const cuda = Object.keys(metadata.manifests['linux/x64:cuda12']).map(
      (f) => `${ORT_BIN}/linux/x64/${path.basename(f)}`,
    );
    expect(cuda).toEqual(expect.arrayContaining([expect.stringMatching(/libonnxruntime_providers_cuda\.so$/)]));
    for (const file of cuda) {
      expect(isPackaged('linux', file), file).toBe(true);
      expect(isUnpacked('linux', file), file).toBe(true);
      expect(isPackaged('win', file) || isPackaged('mac', file), file).toBe(false);
    }
    expect(PACKAGE.scripts['setup:cuda']).toMatch(/onnxruntime-node-install-cuda=v12/);
  });

  it("rebuilds better-sqlite3 for Electron's ABI (npmRebuild on a node-gyp addon)", () => {
    expect(BUILD.npmRebuild).not.toBe(false);
    expect(PACKAGE.dependencies['better-sqlite3']).toBeDefined();
    expect(existsSync(path.join(ROOT, 'node_modules/better-sqlite3/binding.gyp'))).toBe(true);
  });
});
