// Browser-mode uploads (`spanfill serve`): files a person drops into the page arrive here in
// chunks (protocol in src/shared/upload.ts) and are streamed to <dataDir>/uploads/<uploadId>/,
// never held whole in memory. Each chunk must start where the file ends on disk (no gaps, no
// overlap), a whole upload is limited in size (chunks still arriving included) and in files,
// names stay inside the upload's folder and are ones the server's file system holds (uploadNames.ts),
// and a cancelled upload is deleted. Each upload records the server that owns it, so that
// another can remove it at once if this one dies (uploadOwners.ts). The renderer then imports the files through
// `datasets.import` and deletes the upload (the store keeps the documents; see README
// "Browser mode"); one its page left (closed or reloaded first) goes once nothing uses it, never
// while an import reads it (uploadUse.ts; with limits.abandonedMs, for a server whose calls
// reading uploads run through whileReading). What a request names is read by uploadRequest.ts.

import { constants as fsConstants, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { uploadIdPattern, uploadNameRefusedCode, type UploadResponse } from '../../shared/upload';
import { errorMessage } from '../../shared/errors';
import { formatBytes } from '../../shared/format';
import { isStrictlyWithin, isWithin } from '../pathWithin';
import { withDiskFullHint } from '../services/errors';
import {
  abandonedWords,
  checkDiskRoom,
  checkOpenUploads,
  checkUploadSize,
  chunkLength,
  defaultRefusedBodyMs,
  UploadError,
  type UploadLimits,
} from './uploadLimits';
import { uploadNameProblem } from './uploadNames';
import { uploadIdOf, wholeNumber } from './uploadRequest';
import { recordUploadOwner, removeLeftUploads, removeUpload, UploadSweeps } from './uploadOwners';
import { uploadsNamedIn, UploadUse } from './uploadUse';

interface UploadState {
  /**
   * Bytes counted per file name: what is on disk, or, while a chunk is being written, what will
   * be once it lands (offset + Content-Length). A chunk is counted before its first byte is
   * written, so chunks of different files sent at once cannot each pass the limit.
   */
  readonly sizes: Map<string, number>;
  /** The sum of `sizes`, kept as it changes (an upload may hold 100,000 files). */
  bytes: number;
  /** Names with a chunk being written now: a second chunk for the same file waits its turn (409). */
  readonly busy: Set<string>;
}

/** Counts `name` as `size` bytes, or as no file at all when undefined. */
function setSize(state: UploadState, name: string, size: number | undefined): void {
  state.bytes += (size ?? 0) - (state.sizes.get(name) ?? 0);
  if (size === undefined) state.sizes.delete(name);
  else state.sizes.set(name, size);
}

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
  const problem = uploadNameProblem(name);
  if (problem !== undefined) throw new UploadError(400, uploadNameRefusedCode, problem);
  const dir = path.join(root, id);
  const file = path.join(dir, ...segments);
  if (!isStrictlyWithin(file, dir)) {
    throw new UploadError(400, uploadNameRefusedCode, `File name "${name}" leaves the upload folder`);
  }
  return { file, entry: path.join(dir, segments[0]) };
}

export class Uploads {
  private readonly states = new Map<string, UploadState>();
  /**
   * Ended ids (cancelled, deleted after import, left by their page) and why each ended: a chunk
   * still in flight must not recreate the folder.
   */
  private readonly cancelled = new Map<string, string>();

  /** Which uploads a chunk or a call uses now; one left unused by its page goes (uploadUse.ts). */
  private readonly use: UploadUse;

  /** The removals of gone servers' uploads, one at a time, as uploads open (uploadOwners.ts). */
  private readonly sweeps: UploadSweeps;

  /** `sweep`: removes the uploads of servers that have gone (removeLeftUploads); tests pass their own. */
  constructor(
    readonly root: string,
    readonly limits: UploadLimits,
    sweep: () => Promise<unknown> = () => removeLeftUploads(root, { maxAgeMs: Infinity }),
  ) {
    this.sweeps = new UploadSweeps(sweep);
    this.use = new UploadUse(limits.abandonedMs, (id) => this.abandon(id));
  }

  /** Answers one /upload/ request; never throws (errors become JSON envelopes). */
  async handle(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    headers: Record<string, string>,
  ): Promise<void> {
    const send = (status: number, body: UploadResponse, extra: Record<string, string> = {}): void => {
      if (response.headersSent) return;
      response.writeHead(status, { ...headers, ...extra, 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    try {
      const id = uploadIdOf(url);
      if (request.method === 'DELETE') return send(200, { ok: true, result: { removed: await this.cancel(id) } });
      if (request.method !== 'PUT')
        throw new UploadError(405, 'invalid_argument', 'Uploads take PUT (a chunk) or DELETE (cancel)');
      send(200, { ok: true, result: await this.receive(request, id, url.searchParams) });
    } catch (error) {
      const known = error instanceof UploadError ? error : undefined;
      const message = known?.message ?? withDiskFullHint(`Could not store the upload: ${errorMessage(error)}`);
      const refusal: UploadResponse = { ok: false, error: { code: known?.code ?? 'internal', message } };
      const isSending = !request.complete && !request.destroyed;
      const declared = Number(request.headers['content-length']);
      if (!isSending) return send(known?.status ?? 500, refusal);
      if (!Number.isSafeInteger(declared) || declared > this.limits.maxChunkBytes) {
        // More than a chunk, or of no stated length: not read at all. Node closes the
        // connection once this answer is out (Connection: close).
        return send(known?.status ?? 500, refusal, { Connection: 'close' });
      }
      send(known?.status ?? 500, refusal);
      this.dropRefusedBody(request);
    }
  }

  /**
   * Reads and drops the rest of a refused chunk (at most a chunk), so that a browser, which reads
   * the answer once it has sent the body, sees it rather than a reset; a client that has not sent
   * it all within refusedBodyMs is cut off.
   */
  private dropRefusedBody(request: IncomingMessage): void {
    const timer = setTimeout(() => request.destroy(), this.limits.refusedBodyMs ?? defaultRefusedBodyMs);
    const done = (): void => clearTimeout(timer);
    request.once('end', done);
    request.once('close', done);
    request.resume();
  }

  /** Deletes every upload this server received (on shutdown), once no sweep runs. */
  async removeAll(): Promise<void> {
    await Promise.all([...this.states.keys()].map((id) => this.cancel(id)));
    await this.swept();
  }

  /** Resolves once no sweep of gone servers' uploads runs. */
  swept(): Promise<void> {
    return this.sweeps.idle();
  }

  /**
   * Runs `work`, a call of a page's socket with `args`: an open upload whose paths the args name
   * (a `datasets.import` of it) is kept while it runs. When it ends after its page went (`signal`
   * aborted: the socket closed), the upload goes at once, being used by nothing else: that page
   * would have deleted it after the import.
   */
  async whileReading<T>(args: unknown, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const ends = uploadsNamedIn(args, this.root)
      .filter((id) => this.states.has(id))
      .map((id) => this.use.begin(id));
    try {
      return await work();
    } finally {
      for (const end of ends) end(signal.aborted);
    }
  }

  private async cancel(id: string, why = `Upload ${id} was cancelled`): Promise<boolean> {
    resolveUploadFile(this.root, id, 'x'); // validates the id
    this.cancelled.set(id, why);
    // Ids are random and used once; remembering the last thousand ended ones is plenty.
    if (this.cancelled.size > 1000) this.cancelled.delete(this.cancelled.keys().next().value ?? id);
    this.states.delete(id);
    this.use.forget(id);
    return removeUpload(this.root, id);
  }

  /** Removes upload `id`, which its page has left (uploadUse.ts); a failure is said on stderr. */
  private abandon(id: string): void {
    const why =
      `Upload ${id} was removed: none of it arrived and nothing read it for ${abandonedWords(this.limits.abandonedMs ?? 0)}, ` +
      'as when the page that sent it has closed. Drop or choose the files again';
    this.cancel(id, why).catch((error: unknown) =>
      console.error(`Could not remove upload ${id}, which its page left: ${errorMessage(error)}`),
    );
  }

  private async receive(request: IncomingMessage, id: string, params: URLSearchParams) {
    const name = params.get('name') ?? '';
    const { file, entry } = resolveUploadFile(this.root, id, name);
    if (this.cancelled.has(id)) throw this.cancelledError(id);
    const offset = wholeNumber(params.get('offset'), 'offset');
    const total = wholeNumber(params.get('total'), 'total');
    const length = chunkLength(request, this.limits);
    // What this upload may still write: as much as it declares, at least this chunk.
    const counted = this.states.get(id)?.bytes ?? 0;
    const needed = Math.min(Math.max(total - counted, length), this.limits.maxUploadBytes);
    await checkDiskRoom(this.root, needed, this.limits);
    // From here on nothing awaits until the chunk is counted (below).
    if (this.cancelled.has(id)) throw this.cancelledError(id);
    const isNew = !this.states.has(id);
    if (isNew) checkOpenUploads(this.states.size, this.limits);
    const state = this.stateOf(id);
    if (state.busy.has(name))
      throw new UploadError(
        409,
        'conflict',
        `A chunk of ${name} is still being written; send chunks one after another`,
      );
    checkUploadSize(state, { name, offset, length, total }, this.limits);
    // Counted now, in the same turn as the checks above (no await between), and given back below
    // if the chunk fails: whatever else arrives meanwhile sees this chunk as landed.
    state.busy.add(name);
    setSize(state, name, offset + length);
    const endUse = this.use.begin(id);
    try {
      const written = await this.writeChunk(file, name, offset, request, this.limits.maxChunkBytes);
      const size = offset + written;
      setSize(state, name, size);
      if (this.cancelled.has(id)) throw this.cancelledError(id);
      // An upload opened: the folders of servers that have gone go (uploadOwners.ts), never a live
      // one's, this one's included; in the background, so that this answer does not wait for it.
      if (isNew) this.sweeps.ask();
      return { received: size, uploadBytes: state.bytes, entryPath: entry };
    } catch (error) {
      // What is there now: the file cut back to `offset`, or nothing when it was never made.
      setSize(state, name, await fileSize(file));
      throw error;
    } finally {
      state.busy.delete(name);
      endUse();
    }
  }

  /** The refusal of a chunk of upload `id`, which has ended, saying why. */
  private cancelledError(id: string): UploadError {
    return new UploadError(410, 'cancelled', this.cancelled.get(id) ?? `Upload ${id} was cancelled`);
  }

  private stateOf(id: string): UploadState {
    let state = this.states.get(id);
    if (state === undefined) {
      recordUploadOwner(this.root, id); // before its folder is made
      state = { sizes: new Map(), bytes: 0, busy: new Set() };
      this.states.set(id, state);
    }
    return state;
  }

  /**
   * Streams the body to `file` at `offset`; on any failure cuts the file back to `offset`. The
   * offset is checked before anything is made, so a refused chunk leaves no empty folders.
   */
  private async writeChunk(
    file: string,
    name: string,
    offset: number,
    request: IncomingMessage,
    maxChunkBytes: number,
  ): Promise<number> {
    // Every folder `name` needs is a folder of the upload, not a link: the lstat, mkdir and write
    // below would follow one outside it.
    const clash = await this.folderClash(file, name);
    if (clash !== undefined) throw clash;
    const onDisk = await this.sizeOnDisk(file, name);
    if (offset !== onDisk) {
      throw new UploadError(
        409,
        'conflict',
        `${name} has ${onDisk} bytes on the server; send the chunk at offset ${onDisk}, not ${offset}`,
      );
    }
    await fs.mkdir(path.dirname(file), { recursive: true }).catch(async (error: NodeJS.ErrnoException) => {
      // EEXIST or ENOTDIR: a file of the upload, made since sizeOnDisk looked, where a folder goes.
      throw (
        (await this.folderClash(file, name)) ??
        new UploadError(400, 'invalid_argument', `Cannot make the folder for ${name}: ${error.code ?? error.message}`)
      );
    });
    await checkResolvedInside(file, name);
    // O_NOFOLLOW: the file itself is no link. The folders holding it resolve inside the upload
    // (checked just now; only a link put in place of one between that check and this open is followed).
    const flags = fsConstants.O_WRONLY | fsConstants.O_CREAT | (fsConstants.O_NOFOLLOW ?? 0);
    const handle = await fs.open(file, flags, 0o600).catch(async (error: unknown) => {
      // A folder of that name made since sizeOnDisk looked (by a chunk of a file inside it).
      const stat = await fs.lstat(file).catch(() => undefined);
      throw stat !== undefined && !stat.isFile() ? notAFile(name, stat) : error;
    });
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
      return written;
    } catch (error) {
      await handle.truncate(offset).catch(() => undefined);
      throw error;
    } finally {
      await handle.close();
    }
  }

  /**
   * Bytes of `file` on disk, 0 when it is not there yet; an UploadError when the name is a
   * folder or link, or when a folder it needs is a file of the upload.
   */
  private async sizeOnDisk(file: string, name: string): Promise<number> {
    const stat = await fs.lstat(file).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      if (error.code === 'ENOTDIR') throw (await this.folderClash(file, name)) ?? error;
      throw error;
    });
    if (stat === undefined) return 0;
    if (!stat.isFile()) throw notAFile(name, stat);
    return stat.size;
  }

  /**
   * The error for `name` when one of the folders it needs is a file or a link (never followed: it
   * may lead outside the upload) of the upload, else undefined.
   */
  private async folderClash(file: string, name: string): Promise<UploadError | undefined> {
    const parts = name.split('/');
    const dir = uploadDirOf(file, name);
    // The folders `name` needs, outermost first: "a", then "a/b" for "a/b/c.txt".
    for (let i = 1; i < parts.length; i++) {
      const stat = await fs.lstat(path.join(dir, ...parts.slice(0, i))).catch(() => undefined);
      if (stat === undefined) return undefined; // not made yet, nor the folders inside it
      if (stat.isDirectory()) continue;
      const named = parts.slice(0, i).join('/');
      const why = stat.isSymbolicLink()
        ? `${named} is a link in this upload; an upload holds only files and folders`
        : `${named} ${sameName('is a file')}`;
      return new UploadError(400, 'invalid_argument', `${name} needs a folder ${named}, but ${why}`);
    }
    return undefined;
  }
}

/** The upload's folder (root/id) of `file`, the place of `name` in it. */
function uploadDirOf(file: string, name: string): string {
  let dir = file;
  for (const _ of name.split('/')) dir = path.dirname(dir);
  return dir;
}

/**
 * Refuses `name` when the folder that holds `file`, its links resolved, is not the upload's own
 * folder or one inside it: a link put in place of a folder after folderClash looked.
 */
export async function checkResolvedInside(file: string, name: string): Promise<void> {
  const [folder, upload] = await Promise.all([fs.realpath(path.dirname(file)), fs.realpath(uploadDirOf(file, name))]);
  if (!isWithin(folder, upload))
    throw new UploadError(
      400,
      'invalid_argument',
      `${name} would be written outside this upload through a link; it was not`,
    );
}

/** The error for `name`, whose place holds `stat`, not a file. */
function notAFile(name: string, stat: Stats): UploadError {
  return stat.isDirectory()
    ? new UploadError(400, 'invalid_argument', `${name} ${sameName('is a folder')}`)
    : new UploadError(400, 'invalid_argument', `${name} is already a folder or link in this upload, not a file`);
}

/** What a file and a folder of one name ("a.txt" and "a.txt/inner") get: the upload cannot hold both. */
function sameName(what: string): string {
  return `${what} in this upload: a file and a folder cannot have the same name. Rename one of them and upload again`;
}

/** Bytes of `file` on disk now, or undefined when no file is there. */
async function fileSize(file: string): Promise<number | undefined> {
  const stat = await fs.lstat(file).catch(() => undefined);
  return stat?.isFile() ? stat.size : undefined;
}
