// `spanfill serve`: the browser UI on 127.0.0.1 with a per-launch token, for headless GPU
// boxes (reach it through an SSH tunnel) and for the end-to-end tests. Runs until Ctrl-C.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keepRunningThroughFaults } from '../../faultNet';
import { serverHost, startServer, type RunningServer } from '../../server/server';
import type { AppServices } from '../../services/app';
import { ApiError } from '../../../shared/errors';
import type { CommandContext } from '../command';
import { defineCommand } from '../command';
import { noteUnreadableSettings } from './settings';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'Serve the Spanfill UI to a browser on 127.0.0.1 (prints the URL with its token)',
  usage: 'spanfill serve [--port N]',
  description:
    'Listens on 127.0.0.1 only; open the printed URL (it carries a random token that changes\n' +
    'on every launch). From another machine, forward the port: ssh -L 8787:127.0.0.1:8787 host.\n' +
    'Needs the built UI: run `npm run build` first, or use `npm run serve`, which builds and serves.\n' +
    'With --json, prints {"url", "port", "token", "dataDir"} as one JSON line once listening.\n' +
    'Ctrl-C or SIGTERM stops it within a few seconds, whatever is running: calls in progress are\n' +
    'abandoned and the engine host is killed. Stopped that way, it exits 0.',
  options: {
    port: {
      type: 'string',
      placeholder: 'N',
      description:
        'Port to listen on, kept for the next serve (default: the one this data directory was last served on; ' +
        'while that is busy, a free one, said on stderr and not kept; 0: a free one)',
    },
  },
  printsOwnResult: true,
  async run(context) {
    const port = context.integer('port', { min: 0, max: 65_535 });
    // Printed now, not on return: the command runs until Ctrl-C.
    await startServing(context, port, (served) => context.printResult(served));
    return undefined;
  },
  render(result) {
    const { url, dataDir } = result as { url: string; dataDir: string };
    return [`Spanfill is serving ${dataDir}`, `Open ${url}`, 'Press Ctrl-C to stop.'].join('\n');
  },
});

/** out/renderer of this checkout: next to the bundle (out/main) or above src/main/cli. */
function findRendererDir(override: string | undefined): string {
  const candidates = override
    ? [path.resolve(override)]
    : rendererCandidates(path.dirname(fileURLToPath(import.meta.url)));
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  if (found) return found;
  throw new ApiError(
    'not_found',
    `The browser UI is not built (no index.html in ${candidates[0]}). ` +
      'Run `npm run build` first, or `npm run serve`, which builds and then serves.',
  );
}

function rendererCandidates(here: string): string[] {
  const dirs: string[] = [];
  // Walk up to the package root (the folder holding package.json) and use its out/renderer.
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      dirs.push(path.join(dir, 'out', 'renderer'));
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return dirs.length > 0 ? dirs : [path.join(here, '..', 'renderer')];
}

export interface Served {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
}

/** Serves the UI on the context's data directory until Ctrl-C; `onListening` runs once it listens. */
export async function startServing(
  context: CommandContext,
  port: number | undefined,
  onListening: (served: Served) => void,
): Promise<void> {
  const rendererDir = findRendererDir(context.env.SPANFILL_RENDERER_DIR);
  // Before the data directory opens: a serve that cannot listen leaves no new one behind.
  if (port !== undefined && port !== 0 && !(await isFree(port))) throw portInUse(port);
  const app = context.app();
  noteUnreadableSettings(context);
  const server = await listen(context, rendererDir, port);
  // Tabs, uploads and runs depend on it from now on: a fault nobody handles is logged, not the end.
  keepRunningThroughFaults('spanfill serve');
  try {
    // A run trained from a terminal on this data directory shows live on the screens too.
    app.watchOtherProcesses();
    onListening({ url: server.url, port: server.port, token: server.token, dataDir: app.dataDir });
  } catch (error) {
    // Not serving after all: free the port, so the command ends with the error (and one Ctrl-C is not needed).
    await server.close();
    throw error;
  }
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    context.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
}

/** The port this data directory was last served on; one that cannot be read is none, said on stderr. */
function lastPort(context: CommandContext, app: AppServices): number | undefined {
  const { port, warning } = app.system.servedPort();
  if (warning !== undefined) context.status(warning, { force: true });
  return port;
}

const isInUse = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'EADDRINUSE';

const portInUse = (port: number | undefined): ApiError =>
  new ApiError('conflict', `Port ${port} on 127.0.0.1 is in use; pick another with --port N, or leave it out`);

/** Whether `port` on the server's host can be listened on now (the server may still lose it to a race). */
function isFree(port: number): Promise<boolean> {
  const probe = net.createServer();
  return new Promise((resolve, reject) => {
    probe.once('error', (error) => (isInUse(error) ? resolve(false) : reject(error)));
    probe.listen(port, serverHost, () => probe.close(() => resolve(true)));
  });
}

/**
 * Listens on `port`; without one, on the port this data directory was last served on when it
 * is free (the same origin, so the browser keeps its theme and chart views), else on a free
 * one. The port it got is kept for the next launch, except a free one taken because the last
 * was busy (most often by another serve of this data directory): the next launch tries the last
 * again, and this one says so.
 */
async function listen(context: CommandContext, rendererDir: string, port: number | undefined): Promise<RunningServer> {
  const app = context.app();
  const last = port === undefined ? lastPort(context, app) : undefined;
  const again =
    last === undefined
      ? undefined
      : await startServer({ app, rendererDir, port: last }).catch((error: unknown) => {
          if (isInUse(error)) return undefined;
          throw error;
        });
  const server =
    again ??
    (await startServer({ app, rendererDir, port: port ?? 0 }).catch((error: unknown) => {
      throw isInUse(error) ? portInUse(port) : error;
    }));
  if (last !== undefined && again === undefined) {
    context.status(
      `Port ${last}, where this data directory was last served, is in use (another \`spanfill serve\` of it, ` +
        `maybe); serving on port ${server.port} this time: the browser keeps the theme and chart views per port, ` +
        `and the next serve tries ${last} again (--port N serves on N and keeps it)`,
      { force: true },
    );
    return server;
  }
  try {
    app.system.keepServedPort(server.port);
  } catch {
    // Only a convenience for the next launch (a full disk, a read-only store): serve anyway.
  }
  return server;
}
