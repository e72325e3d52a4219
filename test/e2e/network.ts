// The network of an e2e page made slower through the DevTools protocol: every request `ms` later,
// so that a person's press can land between the chunks of an upload (Cancel).

import type { CDPSession } from 'playwright-core';

/** Every request of the page `ms` slower (0: as fast as it goes); `Network.enable` first. */
export async function slowRequests(cdp: CDPSession, ms: number): Promise<void> {
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: ms,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
}
