// A real `spanfill serve --json` process from source (bin/spanfill.mjs, SPANFILL_FROM_SOURCE=1)
// for the server's adversarial suites: a temp data directory, a one-file renderer and an empty
// working directory (so a relative path in a fuzzed call names nothing), its URL and token,
// its resident memory, and a stop that always ends it (SIGKILL after a grace period). Plus a
// WebSocket client for it, a one-call exchange, and a whole file's process with one client
// connected all along (a bystander that must go on being served).

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import WebSocket from 'ws';
import { wsPath, type WsServerFrame } from '../../src/shared/ws-protocol';

const bin = path.resolve(import.meta.dirname, '../../bin/spanfill.mjs');

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  /** Everything the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Resolves with how the process ended: {code, signal}. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident set size in bytes (Linux /proc; `ps` elsewhere). */
  rssBytes(): number;
  /** SIGINT, then SIGKILL if it has not exited within graceMs; removes the temp folders. */
  stop(graceMs?: number): Promise<void>;
}

export async function startServeProcess(env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-serve-'));
  const dataDir = path.join(root, 'data');
  const rendererDir = path.join(root, 'renderer');
  const cwd = path.join(root, 'cwd');
  for (const dir of [dataDir, rendererDir, cwd]) fs.mkdirSync(dir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>served</title>');
  const child = spawn(process.execPath, [bin, 'serve', '--json', '--data-dir', dataDir], {
    cwd,
    env: { ...process.env, SPANFILL_FROM_SOURCE: '1', SPANFILL_RENDERER_DIR: rendererDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      if (buffered.includes('\n')) resolve(JSON.parse(buffered.split('\n')[0]) as { port: number; token: string });
    });
    void exited.then(({ code }) => reject(new Error(`spanfill serve exited with ${code}: ${stderr}`)));
  });
  const pid = child.pid ?? 0;
  const stop = async (graceMs = 5000): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(root, { recursive: true, force: true });
  };
  return { child, pid, ...listening, dataDir, stderr: () => stderr, exited, rssBytes: () => rssOf(pid), stop };
}

function rssOf(pid: number): number {
  if (process.platform === 'linux') {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match) return Number(match[1]) * 1024;
  }
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) * 1024
  );
}

/** A WebSocket client of `serve`, with the token; no size limit of its own on what it receives. */
export function connectClient(serve: { readonly port: number; readonly token: string }): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${serve.port}${wsPath}?token=${serve.token}`, { maxPayload: 0 });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Sends one frame (text, or a Buffer as a binary frame) and resolves with the next response
 * (events skipped); rejects when the socket closes first or nothing comes within timeoutMs.
 */
export function exchange(socket: WebSocket, data: string | Buffer, timeoutMs = 15_000): Promise<WsServerFrame> {
  const label = (typeof data === 'string' ? data : data.toString()).slice(0, 80);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(new Error(`no reply to ${label}`))), timeoutMs);
    const onClose = (code: number): void => finish(() => reject(new Error(`closed (${code}) on ${label}`)));
    const onMessage = (raw: WebSocket.RawData): void => {
      const frame = JSON.parse(raw.toString()) as WsServerFrame;
      if (frame.kind === 'response') finish(() => resolve(frame));
    };
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      socket.off('message', onMessage);
      socket.off('close', onClose);
      settle();
    };
    socket.on('message', onMessage);
    socket.once('close', onClose);
    socket.send(data);
  });
}

/** A serve process and a client connected to it all along, started once for a test file. */
export interface SharedServe {
  readonly serve: ServeProcess;
  readonly bystander: WebSocket;
}

/** Registers beforeAll/afterAll that start and stop a SharedServe; read it in the tests. */
export function shareServeProcess(): SharedServe {
  const shared = {} as { serve: ServeProcess; bystander: WebSocket };
  beforeAll(async () => {
    shared.serve = await startServeProcess();
    shared.bystander = await connectClient(shared.serve);
  });
  afterAll(async () => {
    shared.bystander?.terminate();
    await shared.serve?.stop();
  });
  return shared;
}

/** Expects the process alive and a system.ping over `socket` answered with `message`. */
export async function expectServing(serve: ServeProcess, socket: WebSocket, message: string): Promise<void> {
  expect(serve.child.exitCode, serve.stderr()).toBeNull();
  const reply = await exchange(socket, JSON.stringify({ id: 7, call: 'system.ping', args: { message } }));
  expect(reply).toMatchObject({ kind: 'response', id: 7, response: { ok: true, result: { message } } });
}
