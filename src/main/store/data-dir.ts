// Where Spanfill keeps its database and large files. Precedence: an explicit --data-dir,
// then SPANFILL_DATA_DIR, then the platform's per-user data directory (XDG data home on
// Linux). The desktop app resolves it the same way (desktopDataDir), not from Electron's
// userData: on Linux that is ~/.config/Spanfill, so the app and a `spanfill` in a terminal
// would each have had a store of their own. A leading ~ of the flag or the variable is the
// home folder, as a shell would have read it.

import os from 'node:os';
import path from 'node:path';

export interface DataDirSources {
  readonly flag?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly platform?: NodeJS.Platform;
  readonly homeDir?: string;
}

export function resolveDataDir(sources: DataDirSources = {}): string {
  const env = sources.env ?? process.env;
  const home = sources.homeDir ?? os.homedir();
  if (sources.flag) return path.resolve(withHome(sources.flag, home));
  if (env.SPANFILL_DATA_DIR) return path.resolve(withHome(env.SPANFILL_DATA_DIR, home));
  return defaultDataDir(sources.platform ?? process.platform, env, home);
}

/**
 * `dir` with a leading `~` or `~/` (`~\` on Windows) read as the home folder. NOTE: the shell
 * expands `~` only at the start of a word, so `--data-dir=~/x` and `SPANFILL_DATA_DIR='~/x'`
 * reach us as written, and path.resolve made a folder named `~` where the command ran. `~user`
 * is left as it is.
 */
function withHome(dir: string, home: string): string {
  return dir === '~' || dir.startsWith('~/') || dir.startsWith(`~${path.sep}`) ? home + dir.slice(1) : dir;
}

function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Spanfill');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Spanfill');
  // XDG: an unset or relative XDG_DATA_HOME must be ignored per the spec.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share');
  return path.join(base, 'spanfill');
}

/**
 * The value of --data-dir in a raw argv (the Electron app has no CLI parser): `--data-dir DIR`
 * or `--data-dir=DIR`; undefined when absent or given without a value.
 */
export function dataDirFlagFromArgv(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length) || undefined;
    if (arg === '--data-dir') {
      const next = argv[index + 1];
      return next !== undefined && !next.startsWith('--') ? next : undefined;
    }
  }
  return undefined;
}

/** The desktop app's data directory: its --data-dir in `argv`, else as the CLI finds it (resolveDataDir). */
export function desktopDataDir(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  return resolveDataDir({ flag: dataDirFlagFromArgv(argv), env });
}
