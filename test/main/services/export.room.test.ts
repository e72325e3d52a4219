// An export names the room it needs on the disk that holds its destination, and what is free
// there: refused before it writes anything where less is free than it needs (its weights as
// float32 and the tokenizer files it copies), and said so where a full disk is met while it
// writes. The free space is a fake statfs; the engine a fake that writes nothing, or meets a
// full disk.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DatasetService } from '../../../src/main/services/datasets';
import type { HostRequester } from '../../../src/main/services/engine-host';
import { ExportService, type RunLookup } from '../../../src/main/services/export';
import { classifyFailure, exitCodes } from '../../../src/main/cli/exit-codes';
import { formatBytes } from '../../../src/shared/format';
import { tempDirs } from '../../support/tmp';
import { roomNeededFor } from './exportRoom-support';

const SPM = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-export-room-');

/** An export service whose disk has `free` bytes free at each look in turn (the last one from then on). */
function serviceWith(free: (number | undefined)[], write: () => Promise<unknown> = async () => ({})) {
  const looked: string[] = [];
  const writes: string[] = [];
  const engine = {
    request: (_name: string, args: { dir: string }) => {
      writes.push(args.dir);
      return write();
    },
  } as unknown as HostRequester;
  const unused = {} as DatasetService & RunLookup;
  const freeSpace = (folder: string) => {
    looked.push(folder);
    const bytes = free.length > 1 ? free.shift() : free[0];
    return bytes === undefined ? undefined : { bytes, files: Infinity };
  };
  return { service: new ExportService({ engine, datasets: unused, runs: unused, freeSpace }), looked, writes };
}

describe('an export and the room on its disk', () => {
  it('is refused before it writes anything where less is free than it needs, saying both', async () => {
    const needs = roomNeededFor(SPM);
    const { service, looked, writes } = serviceWith([needs - 1]);
    const dir = tempDir();
    const out = path.join(dir, 'away', 'tuned');
    const refused = await service.run({ sourceDir: SPM, format: 'hf', out, force: false }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      message:
        `The disk is full: free space on the disk that holds ${out}, then try again (the export needs at least ` +
        `${formatBytes(needs)} there; ${formatBytes(needs - 1)} is free)`,
    });
    // As a full disk met while writing: not the data directory's (the CLI exits 1, not 3, nor 4 for the engine).
    expect(classifyFailure(refused, false).exitCode).toBe(exitCodes.failure);
    expect([...new Set(looked)]).toEqual([dir]); // the nearest folder that exists
    expect(writes).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('goes ahead where exactly that much is free, or the free space cannot be read', async () => {
    for (const free of [roomNeededFor(SPM), undefined]) {
      const { service, writes } = serviceWith([free]);
      const out = path.join(tempDir(), 'tuned');
      await service.run({ sourceDir: SPM, format: 'hf', out, force: false });
      expect(writes).toHaveLength(1);
      expect(fs.existsSync(path.join(out, 'spanfill-export.json'))).toBe(true);
    }
  });

  it('names the room it needs and what is free once it is cleared away, where a full disk is met while it writes', async () => {
    const needs = roomNeededFor(SPM);
    const full = async () => {
      throw new Error('ENOSPC: no space left on device, write');
    };
    const { service } = serviceWith([needs + 10_000, 5_000], full);
    const dir = tempDir();
    const out = path.join(dir, 'tuned');
    await expect(service.run({ sourceDir: SPM, format: 'transformers.js', out, force: false })).rejects.toThrow(
      `The disk is full: free space on the disk that holds ${out}, then try again (the export needs at least ` +
        `${formatBytes(needs)} there; ${formatBytes(5_000)} is free)`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
