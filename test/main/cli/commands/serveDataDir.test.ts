// `spanfill serve` tells the page whether the data directory was chosen (--data-dir or
// SPANFILL_DATA_DIR) and which, so the commands the app shows name it as the CLI's do
// (system.dataDir, and system.info beside its dataDir); the per-user one is not chosen.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { capture, runCaptured } from '../../../support/cli';
import { connectClient, exchange } from '../../../support/serve-process';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-cli-serve-datadir-');

/**
 * Serves with `args` and `env` (plus a one-page UI), asks `call` over the page's WebSocket and
 * stops: the call's result.
 */
async function askServe(args: string[], env: NodeJS.ProcessEnv, call: string): Promise<unknown> {
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
  const controller = new AbortController();
  const captured = capture();
  const listening = new Promise<{ port: number; token: string }>((resolve) =>
    captured.stdout.on('data', () => {
      if (captured.out().includes('\n')) resolve(JSON.parse(captured.out()) as { port: number; token: string });
    }),
  );
  const exited = runCaptured(['serve', '--json', '--port', '0', ...args], captured, {
    signal: controller.signal,
    env: { SPANFILL_RENDERER_DIR: rendererDir, ...env },
  });
  const served = await Promise.race([
    listening,
    exited.then((code) => Promise.reject(new Error(`exit ${code}: ${captured.err()}`))),
  ]);
  const socket = await connectClient(served);
  try {
    const reply = await exchange(socket, JSON.stringify({ id: 1, call, args: {} }));
    expect(reply).toMatchObject({ kind: 'response', id: 1, response: { ok: true } });
    return (reply as { response: { result: unknown } }).response.result;
  } finally {
    socket.terminate();
    controller.abort();
    expect(await exited).toBe(exitCodes.ok);
  }
}

describe('serve: whether the data directory was chosen', () => {
  it('is chosen with --data-dir', async () => {
    const dataDir = path.join(tempDir(), 'my data');
    expect(await askServe(['--data-dir', dataDir], {}, 'system.dataDir')).toEqual({
      dataDir,
      isDataDirChosen: true,
    });
  });

  it('is chosen with SPANFILL_DATA_DIR', async () => {
    const dataDir = path.join(tempDir(), 'data');
    expect(await askServe([], { SPANFILL_DATA_DIR: dataDir }, 'system.dataDir')).toEqual({
      dataDir,
      isDataDirChosen: true,
    });
  });

  it('is not chosen for the per-user data directory', async () => {
    const home = tempDir();
    expect(await askServe([], { XDG_DATA_HOME: home }, 'system.dataDir')).toEqual({
      dataDir: path.join(home, 'spanfill'),
      isDataDirChosen: false,
    });
  });

  it('says so in system.info too, beside its dataDir', async () => {
    const dataDir = path.join(tempDir(), 'data');
    expect(await askServe(['--data-dir', dataDir], {}, 'system.info')).toMatchObject({
      dataDir,
      isDataDirChosen: true,
    });
  });
});
