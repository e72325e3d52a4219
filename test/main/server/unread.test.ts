// The rule that drops a WebSocket client that reads nothing: its own unsent bytes, or those of
// every socket together, past their bounds (websocket-unread.test.ts drops real sockets).

import { describe, expect, it } from 'vitest';
import { isOverUnreadLimits } from '../../../src/main/server/unread';

const limits = { perSocket: 1600, inAll: 3200 };

describe('isOverUnreadLimits', () => {
  it("drops a socket past its own bound without summing the others'", () => {
    const all = (): number => {
      throw new Error('summed');
    };
    expect(isOverUnreadLimits(1601, all, limits)).toBe(true);
    expect(isOverUnreadLimits(100, all, limits)).toBe(false);
  });

  it('drops a lagging socket once all together are past the bound on them', () => {
    expect(isOverUnreadLimits(1000, () => 3201, limits)).toBe(true);
    expect(isOverUnreadLimits(1000, () => 3200, limits)).toBe(false);
    // A socket that lags by little is not the one to drop, whatever the others do.
    expect(isOverUnreadLimits(100, () => 1e9, limits)).toBe(false);
  });
});
