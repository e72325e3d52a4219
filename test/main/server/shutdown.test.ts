// `spanfill serve` stops on SIGINT/SIGTERM whatever is running (issue #9, item 2): a real
// process with a call that does not answer and clients still connected must exit within 5 s.
// The hangs: an import of a FIFO (blocks in open() until a writer comes, the case;
// once imports refuse FIFOs it is a refused call, and shutdown must still be quick), and an
// engine host spinning in its provider probe (test/support/hang-probe.mjs).

import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { WsServerFrame } from '../../../src/shared/ws-protocol';
import { engineHostPids } from '../../support/cli-process';
import { connectClient, startServeProcess, type ServeProcess } from '../../support/serve-process';
import { tempDirs } from '../../support/tmp';

const exitBudgetMs = 5000;
const tempDir = tempDirs('spanfill-shutdown-');
const running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((serve) => serve.stop(1000)));
});

async function serveWith(env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const serve = await startServeProcess(env);
  running.push(serve);
  return serve;
}

async function connect(serve: ServeProcess): Promise<WebSocket> {
  const socket = await connectClient(serve);
  socket.on('error', () => undefined); // the server going away is the point of these tests
  return socket;
}

/** Sends a call; resolves with its reply, if one ever comes. */
function call(socket: WebSocket, id: number, name: string, args: unknown): Promise<WsServerFrame> {
  return new Promise((resolve) => {
    socket.on('message', (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as WsServerFrame;
      if (frame.kind === 'response' && frame.id === id) resolve(frame);
    });
    socket.send(JSON.stringify({ id, call: name, args }));
  });
}

/**
 * Sends `signal`; resolves with whether the process ended within the budget, and how: 'code 0'
 * when it finished by itself, 'by SIGINT' when, with work abandoned that would hold it open,
 * it re-raised the signal it was stopped with (as a shell expects of Ctrl-C).
 */
async function stopWith(serve: ServeProcess, signal: NodeJS.Signals): Promise<{ time: string; how: string }> {
  const started = Date.now();
  serve.child.kill(signal);
  const timer = setTimeout(() => serve.child.kill('SIGKILL'), exitBudgetMs * 3);
  const { code, signal: endedBy } = await serve.exited;
  clearTimeout(timer);
  const ms = Date.now() - started;
  return { time: ms < exitBudgetMs ? 'in time' : `${ms} ms`, how: endedBy ? `by ${endedBy}` : `code ${code}` };
}

function expectStopped(outcome: { time: string; how: string }, signal: NodeJS.Signals, serve: ServeProcess): void {
  expect(outcome.time, serve.stderr()).toBe('in time');
  expect(['code 0', `by ${signal}`], serve.stderr()).toContain(outcome.how);
}

/** An idle TCP client that sent half an HTTP request and never hangs up. */
function idleClient(serve: ServeProcess): net.Socket {
  const socket = net.connect(serve.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
  socket.on('error', () => undefined);
  return socket;
}

const isFifoSupported = process.platform !== 'win32';

describe('spanfill serve shutdown', () => {
  it.runIf(isFifoSupported)('exits within 5 s of SIGINT while an import of a FIFO is stuck', async () => {
    const fifo = path.join(tempDir(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const serve = await serveWith();
    const socket = await connect(serve);
    const idle = idleClient(serve);
    void call(socket, 1, 'datasets.import', { paths: [fifo] });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expectStopped(await stopWith(serve, 'SIGINT'), 'SIGINT', serve);
    idle.destroy();
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('exits within 5 s of %s while the engine host hangs', async (signal) => {
    const preload = pathToFileURL(path.resolve(import.meta.dirname, '../../support/hang-probe.mjs')).href;
    const serve = await serveWith({ NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${preload}`.trim() });
    const socket = await connect(serve);
    const idle = idleClient(serve);
    let hasAnswered = false;
    void call(socket, 1, 'system.info', { refresh: true }).then(() => (hasAnswered = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hasAnswered, 'system.info should be stuck behind the hung probe').toBe(false);
    expectStopped(await stopWith(serve, signal), signal, serve);
    idle.destroy();
  });

  it('leaves no engine host behind', async () => {
    const serve = await serveWith();
    const socket = await connect(serve);
    await call(socket, 1, 'system.info', {});
    // Its engine host only: from source its children include tsx's esbuild service, which ends
    // on its own once serve has gone, a moment later (engineHostPids).
    const hostPids = engineHostPids(serve.pid);
    expect(hostPids.length).toBeGreaterThan(0);
    await stopWith(serve, 'SIGINT');
    for (const pid of hostPids) expect(isAlive(pid), `engine host ${pid}`).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
