// Reading a run's checkpoint that a training run deletes meanwhile picks again, and one whose run
// is removed meanwhile reads on from its copy in the readers folder; the copy a reader killed
// with SIGKILL leaves is removed by the next read (its run removed or not), while a live
// reader's stays.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readingCheckpoint, removeStaleReadings } from '../../../src/main/services/runsCheckpointReaders';
import { systemProcesses } from '../../../src/main/processIdentity';
import { ApiError } from '../../../src/shared/errors';
import { keptOfThisProcess, namesOfThisProcess } from '../../support/processRecords';
import { tempDirs } from '../../support/tmp';
import { killHard, tsChildren } from '../../support/tsChild';
import { checkpoints } from './runsCheckpoint-support';

const tempDir = tempDirs('spanfill-runs-checkpoint-readers-');

/** A process reading a checkpoint for ever (fixtures/readingChild.ts); its line: the copy it reads. */
const startReader = tsChildren(path.join(__dirname, 'fixtures', 'readingChild.ts'));

/** The readers folder of a data directory whose runs are under `<dataDir>/runs`, as RunService reads. */
const readersOf = (dataDir: string) => (runId: string) => ({ root: path.join(dataDir, 'readers'), runId });

describe('readingCheckpoint', () => {
  /**
   * A data directory's run r-1: its checkpoints step-10..30 under <data>/runs/r-1/checkpoints,
   * each with two files; `reading`: where its reads put their copies, and whose they are.
   */
  function runCheckpoints() {
    const dataDir = tempDir();
    const list = checkpoints(path.join(dataDir, 'runs', 'r-1', 'checkpoints'), null);
    for (const c of list)
      for (const name of ['config.json', 'model.safetensors']) writeFileSync(path.join(c.path, name), name);
    return { list, dataDir, reading: readersOf(dataDir)('r-1') };
  }

  it('reads a linked copy outside the run, which stays whole while the run is removed, and removes it after', async () => {
    const run = runCheckpoints();
    const [first] = run.list;
    let seen = '';
    const result = await readingCheckpoint(
      run.reading,
      () => first.path,
      async (dir) => {
        seen = dir;
        rmSync(path.join(run.dataDir, 'runs', 'r-1'), { recursive: true }); // `runs rm` mid-read
        return readdirSync(dir).sort();
      },
    );
    expect(result).toEqual(['config.json', 'model.safetensors']);
    // <data>/readers/<run>.<step>.<reader>-<random>/<step>: whose copy it is, and which process made it.
    expect(path.dirname(path.dirname(seen))).toBe(run.reading.root);
    expect(path.basename(path.dirname(seen))).toMatch(
      new RegExp(String.raw`^r-1\.step-00000010\.${process.pid}\.\d+(\.\d+\.[0-9a-f]{32})?-[^.]+$`),
    );
    expect(path.basename(seen)).toBe('step-00000010');
    expect(existsSync(seen)).toBe(false);
    expect(existsSync(run.reading.root)).toBe(false); // the readers folder goes with its last copy
  });

  it('leaves the readers folder while another read still holds a copy in it', async () => {
    const run = runCheckpoints();
    const [first, second] = run.list;
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldDir = '';
    const slow = readingCheckpoint(
      run.reading,
      () => first.path,
      async (dir) => {
        heldDir = dir;
        await held;
        return readdirSync(dir).length;
      },
    );
    await expect(
      readingCheckpoint(
        run.reading,
        () => second.path,
        async (dir) => readdirSync(dir).length,
      ),
    ).resolves.toBe(2);
    expect(existsSync(heldDir)).toBe(true);
    release();
    await expect(slow).resolves.toBe(2);
    expect(existsSync(run.reading.root)).toBe(false);
  });

  it('picks again when the checkpoint went before it was linked, or the store lists one the disk lacks', async () => {
    const run = runCheckpoints();
    const [older, newer] = run.list;
    rmSync(older.path, { recursive: true });
    const picks: (() => string)[] = [
      () => {
        throw new ApiError('not_found', 'no longer on disk');
      },
      () => older.path,
      () => newer.path,
    ];
    const read = async (dir: string) => readFileSync(path.join(dir, 'config.json'), 'utf8');
    await expect(readingCheckpoint(run.reading, () => (picks.shift() as () => string)(), read)).resolves.toBe(
      'config.json',
    );
    expect(picks).toEqual([]);
  });

  it("reads the copy under the checkpoint's own name, and a failure names the checkpoint, not the copy", async () => {
    const run = runCheckpoints();
    const [first] = run.list;
    let seen = '';
    const failing = async (dir: string): Promise<never> => {
      seen = dir;
      throw new Error(`Sentinel <extra_id_200> is beyond the 125 sentinels of ${path.basename(dir)} (${dir})`);
    };
    await expect(readingCheckpoint(run.reading, () => first.path, failing)).rejects.toThrow(
      `Sentinel <extra_id_200> is beyond the 125 sentinels of ${path.basename(first.path)} (${first.path})`,
    );
    expect(path.basename(seen)).toBe(path.basename(first.path));
    expect(seen).not.toBe(first.path);
  });

  it("passes read's own failure and a pick's lasting one on, and says so when every pick went", async () => {
    const run = runCheckpoints();
    const [first] = run.list;
    let reads = 0;
    const broken = async (): Promise<never> => {
      reads += 1;
      throw new Error('not a T5 model');
    };
    await expect(readingCheckpoint(run.reading, () => first.path, broken)).rejects.toThrow('not a T5 model');
    expect(reads).toBe(1);
    const never = (): string => {
      throw new ApiError('not_found', 'Run r-1 has no checkpoint 15');
    };
    await expect(readingCheckpoint(run.reading, never, async (dir) => dir)).rejects.toThrow(
      'Run r-1 has no checkpoint 15',
    );
    const missing = path.join(path.dirname(first.path), 'step-00000040');
    await expect(
      readingCheckpoint(
        run.reading,
        () => missing,
        async (dir) => dir,
      ),
    ).rejects.toThrow(
      new ApiError(
        'conflict',
        `The checkpoint ${missing} was deleted before it could be read: its run is training and keeps only its ` +
          'latest and best checkpoints (keepLast). Try again, or stop the run first.',
      ),
    );
  });
});

describe('copies left by a reader that was killed', () => {
  const reader = async (checkpoint: string, reading: { root: string; runId: string }) => {
    const { proc, line } = await startReader(checkpoint, reading.root, reading.runId);
    return { proc, copy: line };
  };

  it('the next read removes the copy of a reader killed mid-read, of a run removed since too, not that of a live one', async () => {
    const dataDir = tempDir();
    const readers = readersOf(dataDir);
    const run = path.join(dataDir, 'runs', 'r-1');
    const list = checkpoints(path.join(run, 'checkpoints'), null);
    writeFileSync(path.join(list[0].path, 'model.safetensors'), 'weights');
    const other = checkpoints(path.join(dataDir, 'runs', 'r-2', 'checkpoints'), null);
    const gone = await reader(list[0].path, readers('r-1'));
    const live = await reader(list[1].path, readers('r-1'));
    await killHard(gone.proc);
    expect(existsSync(gone.copy)).toBe(true); // what SIGKILL leaves: its cleanup never ran
    rmSync(run, { recursive: true }); // its run removed meanwhile (`runs rm`): the copies are elsewhere
    const root = readers('r-2').root;
    const during = await readingCheckpoint(
      readers('r-2'),
      () => other[2].path,
      async () => readdirSync(root).map((name) => path.join(root, name)),
    );
    // While it read: its own copy and the live reader's; the killed reader's was gone.
    expect(during).toHaveLength(2);
    expect(during).toContain(path.dirname(live.copy));
    expect(existsSync(gone.copy)).toBe(false);
    expect(existsSync(live.copy)).toBe(true);
    // Once the other reader is killed too, its copy goes, and the readers folder with it.
    await killHard(live.proc);
    expect(removeStaleReadings(root)).toBe(1);
    expect(existsSync(root)).toBe(false);
  }, 30_000);

  it('removes copies of versions that named no reader only when made before this boot', () => {
    const reading = path.join(tempDir(), 'r-1', 'reading');
    const before = path.join(reading, 'step-00000010-a1B2c3');
    const since = path.join(reading, 'step-00000020-d4E5f6');
    for (const holder of [before, since])
      mkdirSync(path.join(holder, path.basename(holder).slice(0, 13)), { recursive: true });
    const bootSeconds = (systemProcesses.bootedAt() - 60_000) / 1000;
    utimesSync(before, bootSeconds, bootSeconds);
    expect(removeStaleReadings(reading)).toBe(1);
    expect(readdirSync(reading)).toEqual(['step-00000020-d4E5f6']);
  });

  it("tells a live reader's copy by its boot id and start ticks (Linux), whatever the wall clock did", () => {
    const reading = readersOf(tempDir())('r-1').root;
    const names = namesOfThisProcess();
    const holders = {
      stepped: `r-1.step-00000010.${names.stepped}-a1B2c3`,
      reused: `r-1.step-00000020.${names.reused}-d4E5f6`,
    };
    for (const holder of Object.values(holders))
      mkdirSync(path.join(reading, holder, 'step-00000010'), { recursive: true });
    expect(removeStaleReadings(reading)).toBe(1);
    expect(readdirSync(reading)).toEqual([holders[keptOfThisProcess()]]);
  });
});
