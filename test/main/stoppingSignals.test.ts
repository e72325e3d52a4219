// bin/spanfill.mjs runs before any TypeScript loads, so it writes the stopping signals out
// itself; its list must stay the one the command line and the engine host use.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STOPPING_SIGNALS } from '../../src/main/stoppingSignals';

describe('STOPPING_SIGNALS', () => {
  it("is bin/spanfill.mjs's list, which remembers them while the command line loads", () => {
    const bin = readFileSync(new URL('../../bin/spanfill.mjs', import.meta.url), 'utf8');
    const written = /^const STOPPING_SIGNALS = (\[.*\]);$/m.exec(bin)?.[1];
    expect(written).toBeDefined();
    expect(JSON.parse(written!.replaceAll("'", '"'))).toEqual([...STOPPING_SIGNALS]);
  });
});
