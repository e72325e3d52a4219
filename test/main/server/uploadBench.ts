// The upload endpoint's test bench (upload.test.ts, upload-paths.test.ts): a `spanfill serve`
// with small limits on a temporary data folder, and raw HTTP requests with full control of the
// headers (fetch would not let a test set Host); or an Uploads of a test's own making, served alone.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../../../src/main/server/server';
import type { Uploads } from '../../../src/main/server/upload';
import type { UploadLimits } from '../../../src/main/server/uploadLimits';
import { AppServices } from '../../../src/main/services/app';
import type { UploadResponse } from '../../../src/shared/upload';

export const maxUploadBytes = 1000;
export const maxChunkBytes = 400;
export const maxFiles = 5;

export interface Reply {
  readonly status: number;
  readonly body: UploadResponse | string;
}

/** The running bench; its fields are set once the file's beforeAll has run. */
export interface UploadBench {
  root: string;
  app: AppServices;
  server: RunningServer;
  uploadsDir: string;
  /** One request to the bench's server, with the token unless `headers` replace it. */
  send(method: string, target: string, body?: Buffer, headers?: Record<string, string>): Promise<Reply>;
  put(
    id: string,
    name: string,
    offset: number,
    total: number,
    body: Buffer,
    headers?: Record<string, string>,
  ): Promise<Reply>;
}

/**
 * Starts a server for the calling test file (beforeAll) and removes it and its folder (afterAll);
 * `limits` replace the bench's small ones.
 */
export function useUploadServer(limits: Partial<UploadLimits> = {}): UploadBench {
  const bench = {} as UploadBench;
  beforeAll(async () => {
    bench.root = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-upload-'));
    const rendererDir = path.join(bench.root, 'renderer');
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>page</title>');
    bench.app = new AppServices({ dataDir: path.join(bench.root, 'data') });
    // Many upload ids over a file's tests, and none may depend on this machine's free disk.
    const roomy = { maxOpenUploads: 1000, keepFreeBytes: 0 };
    const uploadLimits = { maxUploadBytes, maxChunkBytes, maxFiles, ...roomy, ...limits };
    bench.server = await startServer({ app: bench.app, rendererDir, uploadLimits });
    bench.uploadsDir = path.join(bench.root, 'data', 'uploads');
  });
  afterAll(async () => {
    await bench.server?.close();
    await bench.app?.close();
    if (bench.root) fs.rmSync(bench.root, { recursive: true, force: true });
  });
  bench.send = (method, target, body, headers = {}) => send(bench.server, method, target, body, headers);
  bench.put = (id, name, offset, total, body, headers = {}) => {
    const query = new URLSearchParams({ name, offset: String(offset), total: String(total) });
    return bench.send('PUT', `/upload/${id}?${query}`, body, headers);
  };
  return bench;
}

function send(
  server: RunningServer,
  method: string,
  target: string,
  body: Buffer | undefined,
  headers: Record<string, string>,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: target,
        headers: {
          Authorization: `Bearer ${server.token}`,
          ...(body ? { 'Content-Length': String(body.length) } : {}),
          ...headers,
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          const isJson = response.headers['content-type']?.startsWith('application/json') ?? false;
          resolve({ status: response.statusCode ?? 0, body: isJson ? (JSON.parse(text) as UploadResponse) : text });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** A chunk request left open: the test writes (some of) its body and ends or drops it. */
export function openChunk(
  target: { readonly port: number; readonly token: string },
  id: string,
  params: Record<string, string>,
  contentLength: number,
): http.ClientRequest {
  return http.request({
    host: '127.0.0.1',
    port: target.port,
    method: 'PUT',
    path: `/upload/${id}?${new URLSearchParams(params)}`,
    headers: { Authorization: `Bearer ${target.token}`, 'Content-Length': String(contentLength) },
  });
}

/** Serves `uploads` alone on a free port (no token asked), for tests that build their own Uploads. */
export async function serveUploads(uploads: Uploads): Promise<{ port: number; token: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    void uploads.handle(request, response, new URL(request.url ?? '/', 'http://127.0.0.1'), {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { port, token: '', close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Sends `body` as the whole file `name` of upload `id` in one chunk; the reply. */
export function putWhole(
  target: { readonly port: number; readonly token: string },
  id: string,
  name: string,
  body: Buffer,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const params = { name, offset: '0', total: String(body.length) };
    const request = openChunk(target, id, params, body.length);
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as UploadResponse }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

export function errorOf(reply: Reply): string {
  if (typeof reply.body === 'string') return reply.body;
  return reply.body.ok ? '' : reply.body.error.message;
}

/** Every file under `dir`, relative, sorted: to prove a refused request wrote nothing. */
export function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
