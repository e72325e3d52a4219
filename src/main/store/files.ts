// Large things (checkpoints, token caches, exported models) live as files under the data
// directory, not in SQLite. They are written to a temporary name, fsynced, then renamed, so
// a crash leaves either the old file or the new one, never half of one (DESIGN §6).

import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { isWithin } from '../pathWithin';

/** A path inside the data directory; throws for segments that would escape it. */
export function dataPath(dataDir: string, ...segments: string[]): string {
  const root = path.resolve(dataDir);
  const resolved = path.resolve(root, ...segments);
  if (!isWithin(resolved, root)) {
    throw new Error(`Path ${segments.join('/')} is outside the data directory ${root}`);
  }
  return resolved;
}

/** Write a file so that readers and crashes only ever see the complete old or new content. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** Make the rename itself durable; not possible (nor needed) on Windows. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
