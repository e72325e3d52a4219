// Debian's Chromium (or SPANFILL_CHROMIUM) for the end-to-end tests, headless with a fresh
// profile, through playwright-core; fails with what to install when it is missing.

import fs from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const chromiumPath = process.env.SPANFILL_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(
  profileDir: string,
  viewport: { width: number; height: number },
): Promise<{ context: BrowserContext; page: Page }> {
  if (!fs.existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium`);
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    // No network of its own: no background fetches, component updates, QUIC or sync.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { context, page: context.pages()[0] ?? (await context.newPage()) };
}
