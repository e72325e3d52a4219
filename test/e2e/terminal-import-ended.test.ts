// A `spanfill import` in a terminal on the data directory of an open `spanfill serve`: the
// Datasets screen lists it as importing, and when it fails says why, in the words the terminal
// was told, or when it is cancelled (Ctrl-C) says so, not that it failed. The terminal's import is
// held at its first read of the file (holdImportRead.mjs, preloaded into that process only) until
// the screen lists it, so "while it runs" is exact. Needs `npm run build`.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotFailures } from './failureShot';
import { openScreen } from './navigate';
import { startSession, type E2eSession } from './session';

let session: E2eSession;
let page: Page;
let holdDir: string;
const terminals: ChildProcess[] = [];

beforeAll(async () => {
  holdDir = fs.mkdtempSync(path.join(path.resolve('test-results'), 'hold-'));
  session = await startSession('terminal-import-ended');
  page = session.page;
  await page.goto(session.url);
  await openScreen(page, 'datasets');
}, 120_000);

afterAll(async () => {
  for (const terminal of terminals) terminal.kill('SIGKILL');
  await session?.close();
  fs.rmSync(holdDir, { recursive: true, force: true });
});

screenshotFailures('terminal-import-ended', () => page);

interface Terminal {
  readonly process: ChildProcess;
  /** Its exit code, once it has ended. */
  readonly exited: Promise<number | null>;
  /** What it printed on stderr so far. */
  readonly stderr: () => string;
}

/**
 * `spanfill import NAME` (written with `content`) in a terminal on the session's data directory,
 * held at its read of the file; resolves once the screen lists it as importing.
 */
async function heldTerminalImport(name: string, content: Buffer): Promise<Terminal> {
  const file = path.join(session.dir, name);
  fs.writeFileSync(file, content);
  const preload = `--import=${path.resolve('test/e2e/holdImportRead.mjs')}`;
  const terminal = spawn(process.execPath, ['bin/spanfill.mjs', 'import', file, '--data-dir', session.dataDir], {
    env: {
      ...process.env,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(' '),
      SPANFILL_TEST_HOLD_DIR: holdDir,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  terminals.push(terminal);
  let stderr = '';
  terminal.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => terminal.on('exit', resolve));
  await expect.poll(() => fs.existsSync(path.join(holdDir, `${name}.reached`)), { timeout: 60_000 }).toBe(true);
  const row = page.getByTestId('datasets-table').getByRole('row', { name: new RegExp(name.replace('.', '\\.')) });
  await row.filter({ hasText: 'importing…' }).waitFor({ timeout: 10_000 });
  return { process: terminal, exited, stderr: () => stderr };
}

/** Lets the held import of `name` go on. */
function release(name: string): void {
  fs.writeFileSync(path.join(holdDir, name), '');
}

describe("a terminal's import on the screen's data directory", () => {
  it('that fails is said to have failed, with the reason the terminal gave', async () => {
    // A PNG's first bytes under a .txt name: not text.
    const terminal = await heldTerminalImport('held-photo.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 13, 10]));
    release('held-photo.txt');
    await expect(terminal.exited).resolves.toBe(1);
    const told = terminal
      .stderr()
      .trim()
      .replace(/^spanfill import: /, '');
    expect(told).toContain('held-photo.txt');
    const error = page.getByTestId('datasets-error');
    await error.filter({ hasText: 'held-photo.txt' }).waitFor({ timeout: 10_000 });
    expect((await error.textContent())?.trim()).toBe(`Import of held-photo.txt failed: ${told}`);
    expect(
      await page
        .getByTestId('datasets-table')
        .getByRole('row', { name: /held-photo\.txt/ })
        .count(),
    ).toBe(0);
  });

  it('that is cancelled with Ctrl-C is said to have been cancelled, not to have failed', async () => {
    const terminal = await heldTerminalImport('held-long.txt', Buffer.from('A long text.\n\nIts second part.\n'));
    terminal.process.kill('SIGINT');
    release('held-long.txt');
    await expect(terminal.exited).resolves.toBe(130);
    const notice = page.getByTestId('datasets-notice');
    await notice.filter({ hasText: 'held-long.txt' }).waitFor({ timeout: 10_000 });
    expect((await notice.textContent())?.trim()).toBe(
      'Import of held-long.txt cancelled where it was started (another window or tab, or a terminal); nothing was imported.',
    );
    expect(await page.getByTestId('datasets-error').filter({ hasText: 'held-long.txt' }).count()).toBe(0);
  });
});
