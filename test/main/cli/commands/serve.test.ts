// `spanfill serve`'s port: without --port, the one this data directory was last served on
// (the same origin in the browser, which keeps the theme and chart views per origin), or a
// free one when that is taken (said on stderr, and not kept: the next serve tries the last one
// again); --port 0 asks for a free one, and a busy --port N is refused before the data directory
// is opened (a new one is not created).
// Stored values it cannot read (the last port, the settings) are said on stderr and it serves;
// a failure after it listens frees the port and ends the command with the message.

import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { AppServices } from '../../../../src/main/services/app';
import { openStore } from '../../../../src/main/store/db';
import { capture, runCaptured } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-cli-serve-');

interface Serving {
  readonly port: number;
  stop(): Promise<number>;
}

/** Starts `spanfill serve --json` on `dataDir` with `args`, once it listens. */
async function serve(dataDir: string, rendererDir: string, args: string[] = []): Promise<Serving & { err(): string }> {
  const controller = new AbortController();
  const captured = capture();
  const listening = new Promise<number>((resolve) =>
    captured.stdout.on('data', () => {
      if (captured.out().includes('\n')) resolve((JSON.parse(captured.out()) as { port: number }).port);
    }),
  );
  const exited = runCaptured(['serve', '--json', '--data-dir', dataDir, ...args], captured, {
    signal: controller.signal,
    env: { SPANFILL_RENDERER_DIR: rendererDir },
  });
  const port = await Promise.race([listening, exited.then((code) => Promise.reject(new Error(`exit ${code}`)))]);
  return {
    port,
    err: captured.err,
    stop: () => {
      controller.abort();
      return exited;
    },
  };
}

/** A port something else listens on until `release`. */
async function occupy(port: number): Promise<{ port: number; release(): Promise<void> }> {
  const busy = net.createServer();
  await new Promise<void>((resolve, reject) => {
    busy.once('error', reject);
    busy.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (busy.address() as net.AddressInfo).port,
    release: () => new Promise<void>((resolve) => busy.close(() => resolve())),
  };
}

/** A built UI of one page (temp folders go after each test). */
function renderer(): string {
  const dir = tempDir();
  fs.writeFileSync(`${dir}/index.html`, '<!doctype html>');
  return dir;
}

describe('serve --port', () => {
  it('serves a data directory on the port it was last served on, and on a free one while that is taken', async () => {
    const rendererDir = renderer();
    const dataDir = tempDir();
    const first = await serve(dataDir, rendererDir);
    expect(await first.stop()).toBe(exitCodes.ok);
    const again = await serve(dataDir, rendererDir);
    expect(again.port).toBe(first.port);
    // Taken (by this data directory's own server here): another port, said on stderr, and the
    // last one stays the one to serve on next (the origin the browser keeps the views under).
    const beside = await serve(dataDir, rendererDir);
    expect(beside.port).not.toBe(first.port);
    expect(beside.err()).toBe(
      `Port ${first.port}, where this data directory was last served, is in use (another \`spanfill serve --data-dir ${dataDir}\` ` +
        `of it, maybe); serving on port ${beside.port} this time: the browser keeps the theme and chart views ` +
        `per port, and the next serve tries ${first.port} again (--port N serves on N and keeps it)\n`,
    );
    await again.stop();
    await beside.stop();
    const third = await serve(dataDir, rendererDir);
    expect(third.port).toBe(first.port);
    expect(third.err()).toBe('');
    await third.stop();
    // Another data directory has a port of its own.
    const other = await serve(tempDir(), rendererDir);
    expect(other.port).not.toBe(first.port);
    await other.stop();
  });

  it('takes a free port with --port 0 and the given one with --port N, whatever was served before', async () => {
    const rendererDir = renderer();
    const dataDir = tempDir();
    const first = await serve(dataDir, rendererDir);
    await first.stop();
    const free = await serve(dataDir, rendererDir, ['--port', '0']);
    expect(free.port).not.toBe(first.port);
    await free.stop();
    const given = await serve(dataDir, rendererDir, ['--port', String(first.port)]);
    expect(given.port).toBe(first.port);
    await given.stop();
  });
});

/** Writes `text` as the stored JSON of setting `key`, as a hand edit of spanfill.db would. */
function storeRaw(dataDir: string, key: string, text: string): void {
  const store = openStore(dataDir);
  try {
    store.db
      .prepare('INSERT OR REPLACE INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)')
      .run(key, text, new Date().toISOString());
  } finally {
    store.close();
  }
}

describe('serve with stored values it cannot read', () => {
  afterEach(() => void vi.restoreAllMocks());

  it('serves on a free port when the last one cannot be read, says so once, and keeps the new one', async () => {
    const rendererDir = renderer();
    const dataDir = tempDir();
    storeRaw(dataDir, 'serve.port', '"abc');
    storeRaw(dataDir, 'app', '{"provider":"auto","cpuThr');
    const first = await serve(dataDir, rendererDir);
    expect(await first.stop()).toBe(exitCodes.ok);
    const said = first.err();
    expect(said).toContain(`The port last served on, kept in ${dataDir}/spanfill.db, cannot be read (not JSON:`);
    expect(said).toContain(`The saved settings in ${dataDir}/spanfill.db cannot be read (not JSON:`);
    expect(said.split('\n').filter((line) => line.includes('cannot be read'))).toHaveLength(2);
    const again = await serve(dataDir, rendererDir);
    expect(again.port).toBe(first.port);
    await again.stop();
    expect(again.err()).not.toContain('The port last served on');

    storeRaw(dataDir, 'serve.port', '70000');
    const wrong = await serve(dataDir, rendererDir);
    await wrong.stop();
    expect(wrong.err()).toContain('cannot be read (70000 is not a port); serving on a free port');
  });

  it('refuses a --port in use before it opens the data directory: a new one is not created', async () => {
    const busy = await occupy(0);
    try {
      const dataDir = `${tempDir()}/new`;
      const captured = capture();
      const code = await runCaptured(['serve', '--port', String(busy.port), '--data-dir', dataDir], captured, {
        env: { SPANFILL_RENDERER_DIR: renderer() },
      });
      expect(code).toBe(exitCodes.failure);
      expect(captured.err()).toContain(`Port ${busy.port} on 127.0.0.1 is in use; pick another with --port N`);
      expect(fs.existsSync(dataDir)).toBe(false);
    } finally {
      await busy.release();
    }
  });

  it('closes its port and ends with the message when it fails after it listens', async () => {
    const rendererDir = renderer();
    const probe = await occupy(0);
    const port = probe.port;
    await probe.release();
    vi.spyOn(AppServices.prototype, 'watchOtherProcesses').mockImplementation(() => {
      throw new Error('cannot watch the data directory');
    });
    const captured = capture();
    const code = await runCaptured(['serve', '--port', String(port), '--data-dir', tempDir()], captured, {
      env: { SPANFILL_RENDERER_DIR: rendererDir },
    });
    expect(code).toBe(exitCodes.failure);
    expect(captured.err()).toContain('spanfill serve: cannot watch the data directory');
    expect(captured.out()).toBe('');
    // The port is free again: nothing of the failed serve listens on it.
    const after = await occupy(port);
    await after.release();
  });
});
