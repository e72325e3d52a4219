// Engine host tests: an echo round trip through a real child process, a crash reported with
// its exit code and stderr, a hung host killed on request, cancellation and timeouts, and the
// glibc malloc tunables in the environment the host process started with.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EngineHost, type HostExit } from '../../../src/main/host/client';
import type { HostChild } from '../../../src/main/host/spawn';
import { EventBus } from '../../../src/main/services/events';
import { EngineHostManager } from '../../../src/main/services/engine-host';
import { ApiError } from '../../../src/shared/errors';
import { tempDirs } from '../../support/tmp';

const testEnv = { ...process.env, SPANFILL_HOST_TEST_HANDLERS: '1' };
const tempDir = tempDirs('spanfill-host-');
const hosts: EngineHost[] = [];
function startHost(env: NodeJS.ProcessEnv = testEnv): EngineHost {
  const host = new EngineHost({ env });
  hosts.push(host);
  return host;
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.kill()));
});

describe('EngineHost', () => {
  it('echoes a payload from a separate process', async () => {
    const host = startHost();
    await host.ready;
    const reply = await host.request('host.echo', { value: { text: 'héllo', list: [1, 2, 3] } });
    expect(reply.value).toEqual({ text: 'héllo', list: [1, 2, 3] });
    expect(reply.pid).toBe(host.pid);
    expect(reply.pid).not.toBe(process.pid);
  });

  it('reports a crash with its exit code and last stderr lines, failing pending requests', async () => {
    const host = startHost();
    await host.ready;
    const exited = new Promise<HostExit>((resolve) => host.onExit(resolve));
    // What came before the cause: a colour reset and Dawn's note on a clamped limit (kept out of the message).
    const noise =
      '\u001b[m\nWarning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\n';
    const pending = host.request('host.crash', { exitCode: 3, stderr: `${noise}fatal: out of device memory` });
    await expect(pending).rejects.toMatchObject({ code: 'unavailable' });
    await expect(pending).rejects.toThrow(/exited with code 3: fatal: out of device memory$/);
    const exit = await exited;
    expect(exit).toMatchObject({ exitCode: 3, signal: null, expected: false });
    expect(exit.stderrTail).toContain('fatal: out of device memory');
    // Later requests fail fast with the same explanation.
    await expect(host.request('host.echo', { value: 1 })).rejects.toThrow(/exited with code 3/);
  });

  it('reports a host killed from outside (say by the OOM killer) with its signal', async () => {
    const host = startHost();
    await host.ready;
    const exited = new Promise<HostExit>((resolve) => host.onExit(resolve));
    const pending = host.request('host.hang', {});
    const pid = host.pid;
    if (pid === undefined) throw new Error('the host has no pid');
    process.kill(pid, 'SIGKILL');
    await expect(pending).rejects.toMatchObject({
      code: 'unavailable',
      message: 'The engine host was killed by SIGKILL',
    });
    expect(await exited).toMatchObject({ exitCode: null, signal: 'SIGKILL', expected: false });
  });

  it('kills a hung host on request and fails its pending request as cancelled', async () => {
    const host = startHost();
    await host.ready;
    const pending = host.request('host.hang', {});
    const caught = pending.catch((error: unknown) => error);
    // The host is stuck in a synchronous loop: it cannot answer anything now.
    const echo = host.request('host.echo', { value: 'ping' }, { timeoutMs: 300 });
    await expect(echo).rejects.toThrow(/did not answer 'host.echo' within 300 ms/);
    const exit = await host.kill();
    expect(exit).toMatchObject({ signal: 'SIGKILL', expected: true });
    const error = await caught;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'cancelled' });
  });

  it('cancels a request through its AbortSignal', async () => {
    const host = startHost();
    await host.ready;
    const controller = new AbortController();
    controller.abort();
    await expect(host.request('host.echo', { value: 1 }, { signal: controller.signal })).rejects.toMatchObject({
      code: 'cancelled',
    });
  });

  // /proc/PID/environ holds the environment the process was started with: what glibc reads.
  // NOTE: glibc (2.36 here) parses GLIBC_TUNABLES in place there, turning each ':' after a
  // tunable it took into a NUL (the process's own copy stays whole), so accept either.
  it.runIf(process.platform === 'linux')(
    'starts the host with our malloc tunables after the person’s own',
    async () => {
      const host = startHost({ ...testEnv, GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' });
      await host.ready;
      const environ = readFileSync(`/proc/${host.pid}/environ`, 'utf8');
      expect(environ).toMatch(
        /(^|\0)GLIBC_TUNABLES=glibc\.malloc\.arena_max=2[:\0]glibc\.malloc\.trim_threshold=4294967295[:\0]glibc\.malloc\.mmap_threshold=33554432\0/,
      );
    },
  );

  it('ignores Ctrl-C, SIGTERM and SIGHUP while it is still loading its modules (the parent decides what they mean)', async () => {
    // The host's start module is held back for 2 s once the entry's first line has run (and
    // a marker file says when), so the interrupts land while it loads, however slow node's own
    // start-up is on a loaded machine. A terminal's Ctrl-C lands in that window when it comes
    // in a command's first second.
    const marker = path.join(tempDir(), 'loading');
    const hold = pathToFileURL(path.join(__dirname, 'holdStart.mjs')).href;
    const env = {
      ...testEnv,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hold}`,
      SPANFILL_TEST_HOLD_MARKER: marker,
      SPANFILL_TEST_HOLD_MS: '2000',
    };
    const host = startHost(env);
    const pid = host.pid as number;
    let isReady = false;
    void host.ready.then(() => (isReady = true));
    while (!existsSync(marker)) {
      expect(host.hasExited).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    let sent = 0;
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const; // Ctrl-C, a supervisor, a closed terminal
    while (!isReady && !host.hasExited) {
      process.kill(pid, signals[sent % signals.length]);
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await host.ready;
    expect(sent).toBeGreaterThanOrEqual(10);
    expect(await host.request('host.echo', { value: 'still here' })).toEqual({ value: 'still here', pid });
  });

  it.each([
    ['SIGINT', 'cancelled'], // only a Ctrl-C during node's start-up can: an interrupt
    ['SIGTERM', 'cancelled'],
    ['SIGHUP', 'cancelled'],
    ['SIGKILL', 'unavailable'],
  ] as const)('fails the requests of a host ended by %s as %s', async (signal, code) => {
    let exit: ((exitCode: number | null, signal: string | null) => void) | undefined;
    const child: HostChild = {
      pid: 12345,
      stderr: null,
      send: () => undefined,
      onMessage: () => undefined,
      onExit: (listener) => (exit = listener),
      kill: () => undefined,
    };
    const host = new EngineHost({ spawn: () => child });
    const pending = host.request('host.echo', { value: 1 });
    exit?.(null, signal);
    await expect(pending).rejects.toMatchObject({ code, message: `The engine host was killed by ${signal}` });
    await expect(host.request('host.echo', { value: 2 })).rejects.toMatchObject({ code });
  });

  it('does not serve the test-only handlers in production', async () => {
    const host = startHost({ ...process.env, SPANFILL_HOST_TEST_HANDLERS: '' });
    await host.ready;
    await expect(host.request('host.crash', { exitCode: 1, stderr: '' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('EngineHostManager', () => {
  it('turns an unexpected exit into a system.hostExited event and starts a fresh host next time', async () => {
    const events = new EventBus();
    const seen: unknown[] = [];
    events.subscribe((name, payload) => seen.push({ name, payload }));
    const manager = new EngineHostManager({ events, env: testEnv });
    try {
      const first = await manager.get();
      await manager.request('host.crash', { exitCode: 7, stderr: 'boom' }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen).toEqual([
        {
          name: 'system.hostExited',
          payload: { exitCode: 7, signal: null, stderrTail: expect.arrayContaining(['boom']) },
        },
      ]);
      const reply = await manager.request('host.echo', { value: 'again' });
      expect(reply.pid).not.toBe(first.pid);
    } finally {
      await manager.stop();
    }
  });
});
