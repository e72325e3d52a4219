// A drop onto another screen while an upload or import runs (probe-crash2 finding 4): the page
// goes to Datasets, as any drop does, and says there that the running one must end first,
// rather than doing nothing visible where the drop was. The running import is held by holding
// the server's reply to its datasets.import (holdReply.ts), not by timing. Needs `npm run build`.
// NOTE: page.evaluate takes expression strings because this file is type-checked without DOM types.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './chromium';
import { screenshotFailures } from './failureShot';
import { routeReplies } from './holdReply';
import { startServe } from './serve';

let serveProcess: ChildProcess;
let context: BrowserContext;
let page: Page;
let dir: string;

beforeAll(async () => {
  if (!fs.existsSync('out/renderer/index.html')) throw new Error('The UI is not built: run `npm run build` first.');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-e2e-dropbusy-'));
  let url: string;
  ({ child: serveProcess, url } = await startServe(path.join(dir, 'data')));
  ({ context, page } = await launchChromium(path.join(dir, 'profile'), { width: 1280, height: 800 }));
  await page.goto(url);
});

afterAll(async () => {
  await context?.close();
  serveProcess?.kill('SIGINT');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

screenshotFailures('drop-while-busy', () => page);

/** Drops a text file called `name` onto the page body, as a person dragging it from a file manager would. */
async function dropText(name: string, text: string): Promise<void> {
  await page.evaluate(`(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'text/plain' }));
    const fire = (type) => document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    fire('dragenter');
    fire('dragover');
    fire('drop');
  })()`);
}

describe('a drop while an import runs', () => {
  it('goes to Datasets and says there that the running import must end first', async () => {
    const held = await routeReplies(page, 'datasets.import', () => 'hold');
    await page.reload();
    await page.getByTestId('screen-datasets').waitFor();
    await dropText('first.txt', 'The first file, whose import is held.\n');
    await expect.poll(() => held.calls()).toBe(1);
    await page.evaluate(`location.hash = '#/train'`);
    await page.getByTestId('screen-train').waitFor();
    await dropText('second.txt', 'A second file, dropped meanwhile.\n');
    await page.getByTestId('screen-datasets').waitFor();
    await expect(page.getByTestId('datasets-error').textContent()).resolves.toBe(
      'An upload or import is still running; wait for it or cancel it, then drop again.',
    );
    held.release();
    await page.getByTestId('datasets-notice').waitFor();
    await expect(page.getByTestId('datasets-notice').textContent()).resolves.toMatch(/^Imported first\.txt/);
  });
});
