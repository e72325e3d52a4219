// The network of an e2e page made slower through the DevTools protocol: every request `ms` later,
// so that a person's press can land between the chunks of an upload (Cancel).

import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/** Every request of the page `ms` slower (0: as fast as it goes); `Network.enable` first. */
export async function slowRequests(cdp: CDPSession, ms: number): Promise<void> {
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: ms,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
}

/**
 * A 40 MiB file (10 upload chunks) in `dir`, and the page's requests made `ms` slower, so that
 * a press lands while it uploads; returns the file and the session to hand to slowRequests(…, 0).
 */
export async function slowLargeUpload(
  context: BrowserContext,
  page: Page,
  dir: string,
  ms = 400,
): Promise<{ file: string; cdp: CDPSession }> {
  const file = path.join(dir, 'long-book.txt');
  fs.closeSync(fs.openSync(file, 'w'));
  fs.truncateSync(file, 40 * 1024 * 1024);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await slowRequests(cdp, ms);
  return { file, cdp };
}
