// Test helpers over electron-builder's own code (app-builder-lib, installed with electron-builder):
// the package.json "build" section, its schema check, and the file filters electron-builder
// applies per platform, so the packaging tests judge the configuration with the real matcher
// semantics instead of a re-implementation. Packaging itself cannot run here (no Electron binary).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Configuration, PlatformSpecificBuildOptions } from 'electron-builder';

export const ROOT = path.resolve(__dirname, '../..');
export const PACKAGE = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  build: Configuration;
};
export const BUILD = PACKAGE.build;

export type PlatformKey = 'linux' | 'mac' | 'win';
export const PLATFORMS: readonly PlatformKey[] = ['linux', 'mac', 'win'];
/** electron-builder's platform key → Node's process.platform (onnxruntime-node's bin folders). */
export const NODE_PLATFORM: Record<PlatformKey, string> = { linux: 'linux', mac: 'darwin', win: 'win32' };

export interface TargetEntry {
  readonly target: string;
  readonly arch: readonly string[];
}

export function platformOptions(platform: PlatformKey): PlatformSpecificBuildOptions & { target?: unknown } {
  return (BUILD[platform] ?? {}) as PlatformSpecificBuildOptions & { target?: unknown };
}

/** The targets of a platform in object form (a bare name means x64, electron-builder's default). */
export function targets(platform: PlatformKey): TargetEntry[] {
  const raw = platformOptions(platform).target;
  const list = Array.isArray(raw) ? (raw as unknown[]) : raw === undefined ? [] : [raw];
  return list.map((entry) =>
    typeof entry === 'string'
      ? { target: entry, arch: ['x64'] }
      : { target: (entry as TargetEntry).target, arch: (entry as TargetEntry).arch ?? ['x64'] },
  );
}

type Filter = (file: string, stat: { isDirectory(): boolean }) => boolean;
interface Matcher {
  createFilter(): Filter;
}
const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const fileMatcher = requireFromBuilder('app-builder-lib/out/fileMatcher') as {
  getFileMatchers(config: Configuration, name: string, dest: string, options: object): Matcher[] | null;
  getNodeModuleFileMatcher(
    appDir: string,
    dest: string,
    expand: (s: string) => string,
    opts: object,
    p: object,
  ): Matcher;
  getMainFileMatchers(
    appDir: string,
    dest: string,
    expand: (s: string) => string,
    opts: object,
    packager: object,
    outDir: string,
    isElectronCompile: boolean,
  ): Matcher[];
};
const configModule = requireFromBuilder('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: Configuration, logger: { isEnabled: boolean }): Promise<void>;
};

export const validateBuildConfig = (config: Configuration): Promise<void> =>
  configModule.validateConfiguration(config, { isEnabled: false, add: () => undefined } as { isEnabled: boolean });

const FILE = { isDirectory: () => false };
const identity = (s: string): string => s;
const DEST = '/app';
const OUT_DIR = path.join(ROOT, BUILD.directories?.output ?? 'dist');

/** Whether electron-builder would copy `relative` (a path in the project) into the app for `platform`. */
export function isPackaged(platform: PlatformKey, relative: string): boolean {
  const file = path.join(ROOT, relative);
  const options = platformOptions(platform);
  const packager = { config: BUILD, debugLogger: { isEnabled: false } };
  if (relative.startsWith('node_modules/')) {
    return fileMatcher.getNodeModuleFileMatcher(ROOT, DEST, identity, options, packager).createFilter()(file, FILE);
  }
  const info = { ...packager, projectDir: ROOT, buildResourcesDir: 'build', isPrepackedAppAsar: false };
  const matchers = fileMatcher.getMainFileMatchers(ROOT, DEST, identity, options, { info }, OUT_DIR, false);
  return matchers.some((m) => m.createFilter()(file, FILE));
}

/**
 * Whether electron-builder would put `relative` in app.asar.unpacked for `platform`
 * (`asarUnpack` replaces the configured entries, to judge one at a time).
 */
export function isUnpacked(platform: PlatformKey, relative: string, asarUnpack = BUILD.asarUnpack): boolean {
  const config = { ...BUILD, asarUnpack };
  const options = { macroExpander: identity, customBuildOptions: platformOptions(platform), globalOutDir: OUT_DIR };
  const matchers = fileMatcher.getFileMatchers(config, 'asarUnpack', DEST, { ...options, defaultSrc: ROOT });
  return matchers !== null && matchers[0].createFilter()(path.join(ROOT, relative), FILE);
}
