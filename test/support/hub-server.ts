// A stand-in for the Hugging Face Hub for download tests: node:http on 127.0.0.1 with an
// ephemeral port, serving model folders in the Hub's URL layout as @huggingface/hub reads it
// (node_modules/@huggingface/hub/src/lib/model-info.ts, file-download-info.ts, WebBlob.ts):
//   GET /api/models/{repo}/revision/{rev}?expand=…  JSON with sha and siblings
//   GET /{repo}/resolve/{rev}/{file}   git files: 200/206 with ETag = git blob sha1;
//       *.safetensors (LFS): 302 to /cdn/… with X-Linked-Etag = sha256, X-Linked-Size
//   Range requests (206 + Content-Range), 401 without the right token, 404 with X-Error-Code.
// Faults on request: drop the connection half-way through a file, or serve corrupted bytes.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface HubFault {
  /** Send the headers of the whole body, then only this many bytes and drop the connection; `times` requests (default 1). */
  readonly dropFileAfter?: { readonly file: string; readonly bytes: number; readonly times?: number };
  /** Serve this file with one byte flipped (the headers still announce the true digest). */
  readonly corruptFile?: string;
  /** Send the headers and this many bytes of the file, then nothing more until the client hangs up (a download to cancel). */
  readonly stallFileAfter?: { readonly file: string; readonly bytes: number };
  /** Never answer the repository's info request (a Hub still being contacted when the pull is cancelled). */
  readonly holdRepoInfo?: boolean;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly range: string | undefined;
  readonly authorization: string | undefined;
}

export interface TestHub {
  readonly url: string;
  readonly commit: string;
  readonly requests: LoggedRequest[];
  fault: HubFault;
  close(): Promise<void>;
}

interface RepoFile {
  readonly bytes: Buffer;
  readonly isLfs: boolean;
  readonly etag: string;
}

function loadRepo(folder: string): Map<string, RepoFile> {
  const files = new Map<string, RepoFile>();
  for (const name of readdirSync(folder)) {
    const bytes = readFileSync(path.join(folder, name));
    const isLfs = name.endsWith('.safetensors');
    const etag = isLfs
      ? createHash('sha256').update(bytes).digest('hex')
      : createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    files.set(name, { bytes, isLfs, etag });
  }
  return files;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** Answer a content request with Range support, applying the current fault to `name`. */
function sendContent(req: http.IncomingMessage, res: http.ServerResponse, hub: TestHub, name: string, file: RepoFile) {
  let bytes = file.bytes;
  if (hub.fault.corruptFile === name) {
    bytes = Buffer.from(bytes);
    bytes[bytes.length >> 1] ^= 0xff;
  }
  const headers: http.OutgoingHttpHeaders = {
    'Content-Type': 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: `"${file.etag}"`,
    'X-Repo-Commit': hub.commit,
  };
  const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let status = 200;
  let start = 0;
  let end = bytes.length - 1;
  if (match) {
    start = Number(match[1]);
    end = match[2] === '' ? end : Math.min(end, Number(match[2]));
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${bytes.length}`;
  }
  const body = bytes.subarray(start, end + 1);
  headers['Content-Length'] = body.length;
  res.writeHead(status, headers);
  const drop = hub.fault.dropFileAfter;
  if (drop?.file === name && body.length > drop.bytes) {
    const times = (drop.times ?? 1) - 1;
    hub.fault = { ...hub.fault, dropFileAfter: times > 0 ? { ...drop, times } : undefined };
    res.write(body.subarray(0, drop.bytes), () => res.socket?.destroy());
    return;
  }
  const stall = hub.fault.stallFileAfter;
  if (stall?.file === name && req.method !== 'HEAD' && body.length > stall.bytes) {
    res.write(body.subarray(0, stall.bytes));
    return;
  }
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serve `folder` as the repository `repoId`; `token` makes every request need `Authorization: Bearer token`. */
export async function startTestHub(options: { repoId: string; folder: string; token?: string }): Promise<TestHub> {
  const files = loadRepo(options.folder);
  const commit = createHash('sha1')
    .update(options.repoId)
    .update([...files.keys()].join())
    .digest('hex');
  const requests: LoggedRequest[] = [];
  const apiPrefix = `/api/models/${options.repoId}/revision/`;
  const resolvePrefix = `/${options.repoId}/resolve/`;
  const cdnPrefix = `/cdn/${options.repoId}/`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const pathname = decodeURIComponent(url.pathname);
    requests.push({
      method: req.method ?? 'GET',
      path: pathname,
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`)
      return sendJson(res, 401, { error: 'Invalid credentials in Authorization header' });
    const isKnownRevision = (rev: string) => rev === 'main' || rev === commit;
    if (pathname.startsWith(apiPrefix)) {
      if (hub.fault.holdRepoInfo) return; // until the client hangs up
      const rev = pathname.slice(apiPrefix.length);
      if (!isKnownRevision(rev))
        return sendJson(res, 404, { error: 'Invalid rev id' }, { 'X-Error-Code': 'RevisionNotFound' });
      return sendJson(res, 200, {
        _id: 'test0001',
        id: options.repoId,
        sha: commit,
        siblings: [...files.keys(), 'README.md'].map((rfilename) => ({ rfilename })),
        private: false,
        gated: false,
        downloads: 0,
        likes: 0,
        lastModified: '2026-01-01T00:00:00.000Z',
        pipeline_tag: 'text2text-generation',
      });
    }
    if (pathname.startsWith(resolvePrefix)) {
      const [rev, ...rest] = pathname.slice(resolvePrefix.length).split('/');
      const name = rest.join('/');
      const file = files.get(name);
      if (!isKnownRevision(rev) || file === undefined)
        return sendJson(res, 404, { error: 'Entry not found' }, { 'X-Error-Code': 'EntryNotFound' });
      if (!file.isLfs) return sendContent(req, res, hub, name, file);
      res.writeHead(302, {
        Location: `${cdnPrefix}${file.etag}?name=${encodeURIComponent(name)}`,
        'X-Linked-Etag': `"${file.etag}"`,
        'X-Linked-Size': String(file.bytes.length),
        'X-Repo-Commit': commit,
      });
      return res.end();
    }
    if (pathname.startsWith(cdnPrefix)) {
      const name = url.searchParams.get('name') ?? '';
      const file = files.get(name);
      if (file?.etag === pathname.slice(cdnPrefix.length)) return sendContent(req, res, hub, name, file);
    }
    sendJson(res, 404, { error: `Repository not found: ${pathname}` }, { 'X-Error-Code': 'RepoNotFound' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const hub: TestHub = {
    url: `http://127.0.0.1:${port}`,
    commit,
    requests,
    fault: {},
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return hub;
}
