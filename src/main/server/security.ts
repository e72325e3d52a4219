// Browser-mode security: a random per-launch token (required on every HTTP request and the
// WebSocket), Host and Origin checks against DNS rebinding and cross-site pages, and the
// response headers (strict CSP) for the served renderer.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The cookie that carries the token, named for the port: a browser sends a host's cookies to
 * every port of it, so two servers on one machine (two data directories, a demo beside a serve)
 * would otherwise overwrite each other's, and the page of the first to start would be refused.
 */
export function tokenCookie(port: number): string {
  return `spanfill_token_${port}`;
}

export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The tokens a request carries: ?token=, a Bearer header, the cookie set on first visit. */
export function requestTokens(request: IncomingMessage, url: URL, port: number): string[] {
  const tokens = url.searchParams.getAll('token');
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) tokens.push(auth.slice('Bearer '.length));
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === tokenCookie(port)) tokens.push(rest.join('='));
  }
  return tokens;
}

/**
 * Whether any token the request carries is this launch's. Any, not the first: a tab opened
 * before a restart keeps the old token (sessionStorage) and sends it with the WebSocket and
 * uploads, while the cookie, set again by the new URL opened in another tab, is right.
 */
export function hasValidToken(request: IncomingMessage, url: URL, token: string, port: number): boolean {
  return requestTokens(request, url, port).some((given) => safeEqual(given, token));
}

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

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    // The token travels in the first URL; never leak it to other sites.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}
