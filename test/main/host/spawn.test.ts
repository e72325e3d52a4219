// forkHost: the process it starts can free ArrayBuffers before garbage collection
// (ArrayBuffer.prototype.transfer; engine/onnx/hostMemory.ts), on whichever node runs the tests.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { forkHost } from '../../../src/main/host/spawn';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-spawn-');

describe('forkHost', () => {
  it('starts a process that has ArrayBuffer.prototype.transfer', async () => {
    const entry = path.join(tempDir(), 'probe.mjs');
    fs.writeFileSync(entry, 'process.send(typeof ArrayBuffer.prototype.transfer, () => process.exit(0));\n');
    const child = forkHost({ entry, env: process.env });
    const [reply, exit] = await Promise.all([
      new Promise<unknown>((resolve) => child.onMessage(resolve)),
      new Promise<number | null>((resolve) => child.onExit((code) => resolve(code))),
    ]);
    expect(reply).toBe('function');
    expect(exit).toBe(0);
  });
});
