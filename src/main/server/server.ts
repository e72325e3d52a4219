// `spanfill serve`: the browser-mode transport. Serves the built renderer over HTTP and the
// contract over one WebSocket, on 127.0.0.1 only, behind a per-launch token and Host/Origin
// checks (a cookie lets a tab reload the page's files, nothing more: security.ts pageCookie).
// The same AppServices answer the calls as in the desktop app; each socket is one caller (its
// page's Stop stops its own fills), and a socket that closes aborts the signal of each of its
// calls still running. Each call runs through uploads.whileReading, so that an upload a page left
// (closed or reloaded before deleting it) is removed once no import reads it (uploadUse.ts).

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, errorMessage, type Envelope } from '../../shared/errors';
import { maxCallFrameBytes, maxCallFrameDepth } from '../../shared/limits';
import { uploadPathPrefix, uploadsFolder } from '../../shared/upload';
import { encodeServerFrame, wsPath, type WsServerFrame } from '../../shared/ws-protocol';
import type { AppServices } from '../services/app';
import { MAX_ARGUMENT_VALUES } from '../services/dispatch';
import {
  createToken,
  hasPageCookie,
  hasValidToken,
  isAllowedHost,
  isAllowedOrigin,
  pageCookie,
  securityHeaders,
  unauthorizedMessage,
  unexpectedHostMessage,
} from './security';
import { serveStatic } from './static';
import { isOverUnreadLimits, maxUnreadBytes, maxUnreadBytesInAll, type UnreadLimits } from './unread';
import { Uploads } from './upload';
import { removeLeftUploads } from './uploadOwners';
import { frameShape, topLevelNumber, type FrameShape } from './frameDepth';
import { abandonedUploadMs, uploadLimitsFromEnv, type UploadLimits } from './uploadLimits';

/** Loopback only, by design: anyone who can reach the port could drive the app. */
export const serverHost = '127.0.0.1';

export interface ServerOptions {
  readonly app: AppServices;
  readonly rendererDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** Tests may fix the token; normally a fresh random one per launch. */
  readonly token?: string;
  /** Upload limits; default: 2 GiB per upload, or SPANFILL_UPLOAD_LIMIT_BYTES (see uploadLimitsFromEnv). */
  readonly uploadLimits?: UploadLimits;
  /** Bytes a socket, and all together, may leave unread (unread.ts; tests set less). */
  readonly unreadLimits?: UnreadLimits;
}

/** Upload folders without an owner record (older versions) that are older than this were left by a server that is gone. */
const staleUploadMs = 24 * 60 * 60 * 1000;

export interface RunningServer {
  readonly port: number;
  readonly token: string;
  /** The URL to open, token included. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? createToken();
  // Drawn apart from the token, never derived from it: other local services see the cookie.
  const pageKey = createToken();
  const { app, rendererDir } = options;
  // Its calls reading uploads are reported (serveSocket), so it may remove those pages left.
  const uploads = new Uploads(path.join(app.dataDir, uploadsFolder), {
    abandonedMs: abandonedUploadMs,
    ...(options.uploadLimits ?? uploadLimitsFromEnv(process.env)),
  });
  await removeLeftUploads(uploads.root, { maxAgeMs: staleUploadMs });
  let port = 0;
  const httpServer = http.createServer((request, response) => {
    handleHttp(request, response, { rendererDir, token, pageKey, port, uploads }).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
      }
      response.end(`Internal error: ${errorMessage(error)}\n`);
    });
  });
  // Every connection, upgraded or not, so close() can end them all: an upgraded socket is no
  // longer the HTTP server's, and a client that never hangs up would hold close() open forever.
  const sockets = new Set<Socket>();
  httpServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  // NOTE: ws answers a malformed frame (bad UTF-8, reserved bits or opcode, unmasked, too big)
  // by sending the close code itself and then emitting 'error' on that one socket, which kills
  // the process unless someone listens; serveSocket listens. See ws's receiverOnError.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxCallFrameBytes });
  const unread = options.unreadLimits ?? { perSocket: maxUnreadBytes, inAll: maxUnreadBytesInAll };
  httpServer.on('upgrade', (request, socket, head) => {
    // NOTE: a throw in this listener would end the process; no request may do that.
    try {
      acceptWebSocket(request, socket as Socket, head, { wss, app, token, port: () => port, unread, uploads });
    } catch {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, serverHost, () => resolve());
  });
  port = (httpServer.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://${serverHost}:${port}/?token=${token}`,
    /** Stops accepting and drops every connection now; calls still running are abandoned. */
    close: async () => {
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        wss.close();
        for (const client of wss.clients) client.terminate();
        for (const socket of sockets) socket.destroy();
      });
      // Uploads not yet imported (a tab closed mid-way) are of no use to anyone now.
      await uploads.removeAll();
    },
  };
}

/** A WebSocket upgrade on /ws from a trusted page (Host, Origin) with the token, or a refusal. */
function acceptWebSocket(
  request: http.IncomingMessage,
  socket: Socket,
  head: Buffer,
  ctx: {
    wss: WebSocketServer;
    app: ServerOptions['app'];
    token: string;
    port: () => number;
    unread: UnreadLimits;
    uploads: Uploads;
  },
): void {
  // A reset during the handshake must not become an unhandled 'error' either.
  socket.on('error', () => socket.destroy());
  const refuse = (status: number, reason: string): void => {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };
  const url = requestUrl(request);
  if (url === undefined) return refuse(400, 'Bad Request');
  if (url.pathname !== wsPath) return refuse(404, 'Not Found');
  const isTrustedPage = isAllowedHost(request, ctx.port()) && isAllowedOrigin(request.headers.origin, ctx.port());
  if (!isTrustedPage) return refuse(403, 'Forbidden');
  // The token only, never the page cookie (which other local web services receive too).
  if (!hasValidToken(request, url, ctx.token)) return refuse(401, 'Unauthorized');
  ctx.wss.handleUpgrade(request, socket, head, (ws) =>
    serveSocket(ws, ctx.app, { wss: ctx.wss, limits: ctx.unread }, ctx.uploads),
  );
}

/**
 * The request's target as a URL on this server, or undefined when it is not one: `new URL`
 * throws on targets a client may send as they are, such as "//" (a browser's
 * `new WebSocket('ws://host//')` does) or "http://[".
 */
function requestUrl(request: http.IncomingMessage): URL | undefined {
  try {
    return new URL(request.url ?? '/', `http://${serverHost}`);
  } catch {
    return undefined;
  }
}

interface HttpContext {
  readonly rendererDir: string;
  readonly token: string;
  /** The page cookie's value (security.ts pageCookie). */
  readonly pageKey: string;
  readonly port: number;
  readonly uploads: Uploads;
}

async function handleHttp(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  context: HttpContext,
): Promise<void> {
  const headers = securityHeaders();
  const plain = (status: number, text: string): void => {
    response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`${text}\n`);
  };
  if (!isAllowedHost(request, context.port)) return plain(403, unexpectedHostMessage(context.port));
  const url = requestUrl(request);
  if (url === undefined) return plain(400, 'Bad request: the request target is not a path on this server');
  const isApi = url.pathname === wsPath || url.pathname.startsWith(uploadPathPrefix);
  const isAllowed =
    hasValidToken(request, url, context.token) || (!isApi && hasPageCookie(request, context.port, context.pageKey));
  if (!isAllowed) return plain(401, unauthorizedMessage);
  if (url.pathname === wsPath) {
    // Not an upgrade: the page asks here whether its token is good when its socket was refused.
    response.setHeader('Upgrade', 'websocket');
    return plain(426, 'Upgrade Required: /ws takes WebSocket connections');
  }
  if (url.pathname.startsWith(uploadPathPrefix)) {
    // Like the WebSocket: a browser page must be this server's own (no cross-site uploads).
    if (!isAllowedOrigin(request.headers.origin, context.port)) return plain(403, 'Forbidden: unexpected Origin');
    return context.uploads.handle(request, response, url, headers);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return plain(405, 'Method not allowed');
  }
  // Later requests (scripts, styles, a reload) carry no query string; the cookie lets them have
  // the page's files, and only those.
  const cookie = `${pageCookie(context.port)}=${context.pageKey}; HttpOnly; SameSite=Strict; Path=/`;
  await serveStatic(
    context.rendererDir,
    url.pathname,
    response,
    { ...headers, 'Set-Cookie': cookie },
    request.method === 'HEAD',
  );
}

/** Unsent bytes over every socket of `wss`. */
function unreadInAll(wss: WebSocketServer): number {
  let bytes = 0;
  for (const client of wss.clients) bytes += client.bufferedAmount;
  return bytes;
}

function serveSocket(
  ws: WebSocket,
  app: AppServices,
  unread: { wss: WebSocketServer; limits: UnreadLimits },
  uploads: Uploads,
): void {
  const send = (frame: WsServerFrame): void => {
    if (ws.readyState !== ws.OPEN) return;
    // Not a close frame: a client that reads nothing would not read that either.
    if (isOverUnreadLimits(ws.bufferedAmount, () => unreadInAll(unread.wss), unread.limits)) return ws.terminate();
    ws.send(encodeServerFrame(frame));
  };
  const unsubscribe = app.events.subscribe((event, payload) => send({ kind: 'event', event, payload }));
  // The calls still running on this socket: once it closes (a reload, a closed tab) nobody
  // waits for their answers, so their work stops (a long fill would hold the engine host).
  const running = new Set<AbortController>();
  // This socket's identity for the handlers (CallContext.caller): one tab's page, nothing in it.
  const caller = {};
  ws.on('close', () => {
    unsubscribe();
    for (const call of running) call.abort(new ApiError('cancelled', 'The connection that made the call closed'));
    running.clear();
  });
  // A protocol fault on this socket: ws has already sent the close code (1002, 1007, 1009)
  // and ends the socket; the server goes on serving the others.
  ws.on('error', () => undefined);
  ws.on('message', (data, isBinary) => {
    const frame = parseCallFrame(isBinary ? undefined : data.toString());
    if ('error' in frame) {
      send({
        kind: 'response',
        id: frame.id,
        response: { ok: false, error: { code: 'invalid_argument', message: frame.error } },
      });
      return;
    }
    const call = new AbortController();
    running.add(call);
    // An upload the call reads (a datasets.import of it) is kept until it ends (uploadUse.ts).
    void uploads
      .whileReading(frame.args, call.signal, () => app.call(frame.call, frame.args, { signal: call.signal, caller }))
      .finally(() => running.delete(call))
      .then((response: Envelope<unknown>) => send({ kind: 'response', id: frame.id, response }))
      .catch((error: unknown) => {
        // An answer that cannot be written as JSON: say so rather than leave the call unanswered
        // (an unhandled rejection here would end the server).
        console.error('Could not send an answer:', error);
        const failure = { code: 'internal' as const, message: `Could not send the answer: ${errorMessage(error)}` };
        try {
          send({ kind: 'response', id: frame.id, response: { ok: false, error: failure } });
        } catch {
          ws.terminate();
        }
      });
  });
}

type ParsedFrame = { id: number; call: unknown; args: unknown } | { id: number | null; error: string };

/**
 * The most fields one object in a frame may have: every call's arguments are strict objects of a
 * few dozen fields at most (websocket-frames.test.ts checks), while JSON.parse and zod took 2.7 s
 * over one of 700,000.
 */
export const maxFrameObjectFields = 1000;
/** The most values a frame may hold: as many as a call's arguments may (dispatch.ts), and its own id, call and args. */
const maxFrameValues = MAX_ARGUMENT_VALUES + 3;

/** Why a frame of `shape` is not read, or undefined when it may be. */
function frameRefusal(shape: FrameShape): string | undefined {
  if (shape.depth > maxCallFrameDepth)
    return (
      `Frame nests objects and lists more than ${maxCallFrameDepth} deep; no call takes more than a few ` +
      'levels, so it was not read'
    );
  if (shape.values > maxFrameValues)
    return (
      `Frame holds over ${MAX_ARGUMENT_VALUES.toLocaleString('en-US')} values (object fields and list items); ` +
      'no call takes that many, so it was not read'
    );
  if (shape.objectFields > maxFrameObjectFields)
    return (
      `Frame has an object of over ${maxFrameObjectFields.toLocaleString('en-US')} fields; no call takes more ` +
      'than a few dozen, so it was not read'
    );
  return undefined;
}

/**
 * Frames are checked field by field so that the error names what is wrong; one nested deeper,
 * holding more values or wider objects than any call takes is refused before JSON.parse reads
 * it (frameDepth.ts: one scan of its text), by its id.
 */
export function parseCallFrame(text: string | undefined): ParsedFrame {
  if (text === undefined) return { id: null, error: 'Frames must be JSON text, not binary' };
  const refusal = frameRefusal(
    frameShape(text, { depth: maxCallFrameDepth, values: maxFrameValues, objectFields: maxFrameObjectFields }),
  );
  if (refusal !== undefined) return { id: idOf({ id: topLevelNumber(text, 'id') }), error: refusal };
  const value = parseJson(text);
  if (value === undefined) return { id: null, error: 'Frame is not valid JSON' };
  if (typeof value !== 'object' || value === null) return { id: null, error: 'Frame must be a JSON object' };
  const id = idOf(value);
  if (id === null) return { id: null, error: "Field 'id' must be an integer" };
  if (!('call' in value)) return { id, error: "Field 'call' is required" };
  return { id, call: value.call, args: 'args' in value ? value.args : undefined };
}

/** `text` read as JSON, or undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A frame's `id` when it is an integer, else null. */
function idOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  return typeof value.id === 'number' && Number.isSafeInteger(value.id) ? value.id : null;
}
