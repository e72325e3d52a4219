// node:fs for a test that makes a race with another process certain: the next call named, on
// the path named, first runs that process's move (`before`), and `after` once it returned or
// threw. Used from a vi.mock('node:fs') factory (hence only a type import of node:fs here):
//   const races: FsRace[] = vi.hoisted(() => []);
//   vi.mock('node:fs', async (real) => (await import('…/support/fsRaces')).racedFs(await real(), races));
import type * as fs from 'node:fs';

export type RacedCall = 'statSync' | 'readdirSync' | 'openSync' | 'readFileSync';

/** Another process's move, made as `call` is next made on `path`. */
export interface FsRace {
  readonly call: RacedCall;
  readonly path: string;
  readonly before: () => void;
  readonly after?: () => void;
}

/** The module `real` with its RacedCall functions running the `races` queued for them (each once). */
export function racedFs(real: typeof fs, races: FsRace[]): typeof fs & { default: typeof fs } {
  const raced = <A extends unknown[], R>(call: RacedCall, original: (...args: A) => R) =>
    function (...args: A): R {
      const at = races.findIndex((race) => race.call === call && race.path === String(args[0]));
      const race = at < 0 ? undefined : races.splice(at, 1)[0];
      race?.before();
      try {
        return original(...args);
      } finally {
        race?.after?.();
      }
    };
  const mocked = {
    ...real,
    statSync: raced('statSync', real.statSync),
    readdirSync: raced('readdirSync', real.readdirSync),
    openSync: raced('openSync', real.openSync),
    readFileSync: raced('readFileSync', real.readFileSync),
  } as typeof fs;
  return { ...mocked, default: mocked };
}
