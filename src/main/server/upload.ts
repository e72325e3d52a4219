// Browser-mode uploads (`spanfill serve`): files a person drops into the page arrive here in
// chunks (protocol in src/shared/upload.ts) and are streamed to <dataDir>/uploads/<uploadId>/,
// never held whole in memory. Each chunk must start where the file ends on disk (no gaps, no
// overlap), a whole upload is size-limited, names stay inside the upload's folder, and a
// cancelled upload is deleted. The renderer then imports the files through `datasets.import`
// and deletes the upload (the store keeps the documents; see README "Browser mode").

import { constants as fsConstants } from 'node:fs';
import { formatBytes } from '../../shared/format';
import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { hasControlCharacter } from '../../shared/contract/displayName';
import type { ErrorCode } from '../../shared/errors';
import {
  defaultMaxUploadBytes,
  maxUploadChunkBytes,
  uploadIdPattern,
  uploadLimitEnv,
  uploadPathPrefix,
  type UploadResponse,
} from '../../shared/upload';
import { errorMessage } from '../../shared/errors';
import { isStrictlyWithin } from '../pathWithin';
import { withDiskFullHint } from '../services/errors';

export interface UploadLimits {
  /** All files of one upload together. */
  readonly maxUploadBytes: number;
  /** One request's body. */
  readonly maxChunkBytes: number;
}

/** The limits `spanfill serve` runs with: the defaults, or SPANFILL_UPLOAD_LIMIT_BYTES (tests use a small one). */
export function uploadLimitsFromEnv(env: NodeJS.ProcessEnv): UploadLimits {
  const raw = env[uploadLimitEnv];
  if (raw === undefined || raw === '')
    return { maxUploadBytes: defaultMaxUploadBytes, maxChunkBytes: maxUploadChunkBytes };
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${uploadLimitEnv}=${raw} is not a whole number of bytes; unset it for the 2 GiB default`);
  }
  return { maxUploadBytes: value, maxChunkBytes: maxUploadChunkBytes };
}

class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface UploadState {
  /** Bytes on disk per file name, as this process wrote them. */
  readonly files: Map<string, number>;
  /** Names with a chunk being written now: a second chunk for the same file waits its turn (409). */
  readonly busy: Set<string>;
}

const maxNameLength = 1024;
const maxNameSegments = 32;
// Characters no file name of ours may hold on any platform (Windows forbids these too).
const forbiddenInName = /[<>:"|?*\\]/;

/** The file `name` (a '/'-separated relative path) of upload `id`, or an UploadError: never outside root/id. */
export function resolveUploadFile(root: string, id: string, name: string): { file: string; entry: string } {
  if (!uploadIdPattern.test(id)) {
    throw new UploadError(
      400,
      'invalid_argument',
      `Upload id ${JSON.stringify(id)} is not 8-64 letters, digits, - or _`,
    );
  }
  const segments = name.split('/');
  const isBad =
    name.length === 0 ||
    name.length > maxNameLength ||
    segments.length > maxNameSegments ||
    segments.some(
      (s) => s === '' || s === '.' || s === '..' || s.length > 255 || forbiddenInName.test(s) || hasControlCharacter(s),
    );
  if (isBad) {
    throw new UploadError(
      400,
      'invalid_argument',
      `File name ${JSON.stringify(name.slice(0, 200))} is not a relative path of plain names (no "..", "\\", control characters or empty parts)`,
    );
  }
  const dir = path.join(root, id);
  const file = path.join(dir, ...segments);
  if (!isStrictlyWithin(file, dir)) {
    throw new UploadError(400, 'invalid_argument', `File name ${JSON.stringify(name)} leaves the upload folder`);
  }
  return { file, entry: path.join(dir, segments[0]) };
}

/** The upload id of a /upload/ID URL, percent-decoded. */
function uploadId(url: URL): string {
  const encoded = url.pathname.slice(uploadPathPrefix.length);
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new UploadError(
      400,
      'invalid_argument',
      `Upload id ${JSON.stringify(encoded)} is not valid percent-encoding`,
    );
  }
}

export class Uploads {
  private readonly states = new Map<string, UploadState>();
  /** Ended ids (cancelled, or deleted after import): a chunk still in flight must not recreate the folder. */
  private readonly cancelled = new Set<string>();

  constructor(
    readonly root: string,
    readonly limits: UploadLimits,
  ) {}

  /** Answers one /upload/ request; never throws (errors become JSON envelopes). */
  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    headers: Record<string, string>,
  ): Promise<void> {
    const send = (status: number, body: UploadResponse): void => {
      if (response.headersSent) return;
      response.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    try {
      const id = uploadId(url);
      if (request.method === 'DELETE') return send(200, { ok: true, result: { removed: await this.cancel(id) } });
      if (request.method !== 'PUT')
        throw new UploadError(405, 'invalid_argument', 'Uploads take PUT (a chunk) or DELETE (cancel)');
      send(200, { ok: true, result: await this.receive(request, id, url.searchParams) });
    } catch (error) {
      const known = error instanceof UploadError ? error : undefined;
      const message = known?.message ?? withDiskFullHint(`Could not store the upload: ${errorMessage(error)}`);
      // A refused body the client is still sending: read it to the end (it is at most a chunk)
      // so the browser sees this answer rather than a reset; a larger one is cut off.
      const declared = Number(request.headers['content-length'] ?? 0);
      if (!request.complete && !request.destroyed && declared <= this.limits.maxChunkBytes * 2) {
        await new Promise<void>((resolve) => {
          request.once('end', resolve);
          request.once('close', resolve);
          request.resume();
        });
      }
      send(known?.status ?? 500, { ok: false, error: { code: known?.code ?? 'internal', message } });
      if (!request.complete) request.destroy();
    }
  }

  /** Deletes every upload this server received (on shutdown). */
  async removeAll(): Promise<void> {
    await Promise.all([...this.states.keys()].map((id) => this.cancel(id)));
  }

  private async cancel(id: string): Promise<boolean> {
    resolveUploadFile(this.root, id, 'x'); // validates the id
    this.cancelled.add(id);
    // Ids are random and used once; remembering the last thousand ended ones is plenty.
    if (this.cancelled.size > 1000) this.cancelled.delete(this.cancelled.values().next().value ?? id);
    this.states.delete(id);
    const dir = path.join(this.root, id);
    const existed = await fs.stat(dir).then(
      () => true,
      () => false,
    );
    await fs.rm(dir, { recursive: true, force: true });
    return existed;
  }

  private async receive(request: IncomingMessage, id: string, params: URLSearchParams) {
    const name = params.get('name') ?? '';
    const { file, entry } = resolveUploadFile(this.root, id, name);
    if (this.cancelled.has(id)) throw new UploadError(410, 'cancelled', `Upload ${id} was cancelled`);
    const offset = wholeNumber(params.get('offset'), 'offset');
    const total = wholeNumber(params.get('total'), 'total');
    const { maxUploadBytes, maxChunkBytes } = this.limits;
    const length = Number(request.headers['content-length']);
    if (!Number.isSafeInteger(length)) throw new UploadError(411, 'invalid_argument', 'A chunk needs a Content-Length');
    if (length > maxChunkBytes) {
      throw new UploadError(
        413,
        'invalid_argument',
        `A chunk may carry at most ${formatBytes(maxChunkBytes)}; this one has ${formatBytes(length)}`,
      );
    }
    const state = this.stateOf(id);
    const others = [...state.files].reduce((sum, [n, size]) => (n === name ? sum : sum + size), 0);
    if (total > maxUploadBytes || others + offset + length > maxUploadBytes) {
      throw new UploadError(
        413,
        'invalid_argument',
        `The upload is ${formatBytes(Math.max(total, others + offset + length))}, over the limit of ${formatBytes(maxUploadBytes)} per upload. ` +
          'Import large files by their path on the machine running Spanfill instead (Datasets → Or import paths…; in a terminal, `spanfill import FILE`), or split them.',
      );
    }
    if (state.busy.has(name))
      throw new UploadError(
        409,
        'conflict',
        `A chunk of ${name} is still being written; send chunks one after another`,
      );
    state.busy.add(name);
    try {
      const written = await this.writeChunk(file, name, offset, request, maxChunkBytes, state);
      const size = offset + written;
      if (this.cancelled.has(id)) throw new UploadError(410, 'cancelled', `Upload ${id} was cancelled`);
      state.files.set(name, size);
      return { received: size, uploadBytes: others + size, entryPath: entry };
    } finally {
      state.busy.delete(name);
    }
  }

  private stateOf(id: string): UploadState {
    let state = this.states.get(id);
    if (state === undefined) {
      state = { files: new Map(), busy: new Set() };
      this.states.set(id, state);
    }
    return state;
  }

  /** Streams the body to `file` at `offset`; on any failure cuts the file back to `offset`. */
  private async writeChunk(
    file: string,
    name: string,
    offset: number,
    request: IncomingMessage,
    maxChunkBytes: number,
    state: UploadState,
  ): Promise<number> {
    await fs.mkdir(path.dirname(file), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new UploadError(
        400,
        'invalid_argument',
        `Cannot make the folder for ${name}: ${error.code ?? error.message}`,
      );
    });
    const onDisk = await fs.lstat(file).then(
      (s) => (s.isFile() ? s.size : -1),
      () => 0,
    );
    if (onDisk < 0)
      throw new UploadError(400, 'invalid_argument', `${name} is already a folder or link in this upload, not a file`);
    if (offset !== onDisk) {
      throw new UploadError(
        409,
        'conflict',
        `${name} has ${onDisk} bytes on the server; send the chunk at offset ${onDisk}, not ${offset}`,
      );
    }
    // O_NOFOLLOW: nothing in the upload folder may redirect the write elsewhere.
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | (fsConstants.O_NOFOLLOW ?? 0);
    const handle = await fs.open(file, flags, 0o600);
    let written = 0;
    try {
      for await (const chunk of request as AsyncIterable<Buffer>) {
        if (written + chunk.length > maxChunkBytes) {
          throw new UploadError(413, 'invalid_argument', `A chunk may carry at most ${formatBytes(maxChunkBytes)}`);
        }
        await handle.write(chunk, 0, chunk.length, offset + written);
        written += chunk.length;
      }
      if (!request.complete) throw new UploadError(400, 'invalid_argument', `The chunk of ${name} ended early`);
      state.files.set(name, offset + written);
      return written;
    } catch (error) {
      await handle.truncate(offset).catch(() => undefined);
      throw error;
    } finally {
      await handle.close();
    }
  }
}

function wholeNumber(raw: string | null, label: string): number {
  const value = raw === null || raw === '' ? NaN : Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UploadError(
      400,
      'invalid_argument',
      `Query parameter ${label}=${raw ?? ''} must be a whole number of bytes`,
    );
  }
  return value;
}

/** Removes upload folders left by a server that is gone (older than maxAgeMs), so they do not pile up. */
export async function removeStaleUploads(root: string, maxAgeMs: number, now = Date.now()): Promise<string[]> {
  const entries = await fs.readdir(root, { withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    const stat = await fs.lstat(full).catch(() => undefined);
    if (stat && now - stat.mtimeMs > maxAgeMs) {
      await fs.rm(full, { recursive: true, force: true });
      removed.push(entry.name);
    }
  }
  return removed;
}
