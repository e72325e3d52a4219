// Browser-mode security: a random per-launch token (required on the WebSocket and uploads, and
// on the first load of the page), a page cookie that lets a tab reload the page's files only,
// Host and Origin checks against DNS rebinding and cross-site pages, and the response headers
// (strict CSP) for the served renderer.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The cookie set with the page, named for the port: a browser sends a host's cookies to every
 * port of it, so two servers on one machine (two data directories, a demo beside a serve) would
 * otherwise overwrite each other's. For that same reason every other web service on 127.0.0.1
 * (Jupyter, TensorBoard, a forwarded port) receives it: its value is a secret of its own
 * (pageKey), not the token, and it opens only the page's files (a reload of the tab, whose
 * address bar no longer has ?token=), never the API (/ws, /upload/).
 */
export function pageCookie(port: number): string {
  return `spanfill_page_${port}`;
}

/** A fresh random secret: the token, and separately the page cookie's value. */
export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The tokens a request carries: ?token= and a Bearer header. Never a cookie (see pageCookie). */
export function requestTokens(request: IncomingMessage, url: URL): string[] {
  const tokens = url.searchParams.getAll('token');
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) tokens.push(auth.slice('Bearer '.length));
  return tokens;
}

/**
 * Whether any token the request carries is this launch's. Any, not the first: a second, wrong
 * one beside it does no harm. A tab opened before the server last started keeps its old token
 * (sessionStorage) and is refused: the page then says to open the URL the server printed.
 */
export function hasValidToken(request: IncomingMessage, url: URL, token: string): boolean {
  return requestTokens(request, url).some((given) => safeEqual(given, token));
}

/** Whether the request carries this launch's page cookie (which opens the page's files only). */
export function hasPageCookie(request: IncomingMessage, port: number, pageKey: string): boolean {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === pageCookie(port) && safeEqual(rest.join('='), pageKey)) return true;
  }
  return false;
}

/** The answer to a request without a good token: what the person should do. */
export const unauthorizedMessage =
  'Unauthorized: open the URL that `spanfill serve` printed when it started. It carries the access token, ' +
  'which changes every time the server starts: a tab opened before the last start, or without that URL, has none that works.';

/**
 * Why a request's Host is refused: most often a tunnel to another local port (`ssh -L
 * 9000:127.0.0.1:8787`), whose browser sends Host 127.0.0.1:9000.
 */
export function unexpectedHostMessage(port: number): string {
  return (
    `Forbidden: this server answers only to http://127.0.0.1:${port}/ and http://localhost:${port}/. ` +
    `Through a tunnel, forward the same port number (ssh -L ${port}:127.0.0.1:${port} HOST) ` +
    'and open the URL that `spanfill serve` printed.'
  );
}

/** Hosts this server answers to; anything else is a rebinding attempt. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function isAllowedHost(request: IncomingMessage, port: number): boolean {
  return allowedHosts(port).includes(request.headers.host ?? '');
}

/** Browsers always send Origin on WebSocket handshakes; it must be this server's page. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true; // non-browser clients (tests, scripts) hold the token instead
  return allowedHosts(port).some((host) => origin === `http://${host}`);
}

/**
 * The page's socket is on its own origin, which connect-src 'self' admits (CSP Level 3 matches
 * ws: to an http: page's host and port), as in the page's meta CSP. Nothing more: not even this
 * server under its other name, which a page opened as localhost has no need to reach as 127.0.0.1.
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    // The token travels in the first URL; never leak it to other sites.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
