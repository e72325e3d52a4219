// The demo command the empty Datasets screen offers: plain where the data directory is the
// per-user one, else naming the one this app was started with, quoted for the shell.

import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../../../src/renderer/src/lib/demoHint';

describe('the demo command the empty Datasets screen shows', () => {
  it('is plain npm run demo where no data directory was chosen', () => {
    expect(demoCommand(undefined)).toBe('npm run demo');
  });

  it("names the chosen data directory after npm's --, quoted where the shell would split it", () => {
    expect(demoCommand('/tmp/p75k/fresh')).toBe('npm run demo -- --data-dir /tmp/p75k/fresh');
    expect(demoCommand("/tmp/Ann's data")).toBe("npm run demo -- --data-dir '/tmp/Ann'\\''s data'");
  });
});
