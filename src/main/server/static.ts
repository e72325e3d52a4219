// Serving the built renderer (out/renderer) as static files: GET/HEAD only, no directory
// listings, no path escaping the root (by its name or through a link), unknown paths fall back
// to index.html (one-page app).

import fs from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { isWithin } from '../pathWithin';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Resolve a URL path inside root, or undefined when it would escape it. */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  return isWithin(resolved, root) ? resolved : undefined;
}

/**
 * The real path of the file a URL path names inside root (index.html for an unknown path
 * without an extension), or undefined. resolveStaticPath keeps the name inside root; a link
 * there (a folder linked to /etc) may still lead out, so the real paths are compared too.
 */
async function fileToServe(root: string, urlPath: string): Promise<string | undefined> {
  const resolved = resolveStaticPath(root, urlPath);
  if (resolved === undefined) return undefined;
  const stat = await fs.stat(resolved).catch(() => undefined);
  const file = stat?.isFile() ? resolved : path.extname(urlPath) === '' ? path.join(root, 'index.html') : undefined;
  if (file === undefined) return undefined;
  const [real, realRoot] = await Promise.all([fs.realpath(file), fs.realpath(root)]).catch(() => []);
  return real !== undefined && realRoot !== undefined && isWithin(real, realRoot) ? real : undefined;
}

export async function serveStatic(
  root: string,
  urlPath: string,
  response: ServerResponse,
  headers: Record<string, string>,
  isHead: boolean,
): Promise<void> {
  const file = await fileToServe(root, urlPath);
  if (file === undefined) {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(isHead ? undefined : 'Not found\n');
    return;
  }
  const body = await fs.readFile(file);
  const type = contentTypes[path.extname(file)] ?? 'application/octet-stream';
  response.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': String(body.length) });
  response.end(isHead ? undefined : body);
}
