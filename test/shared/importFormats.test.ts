// How a name's extension is found in the page (as the engine's path.extname finds it: the
// last dot of the last part, not a leading one).

import { extname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extensionOf } from '../../src/shared/importFormats';

describe('extensionOf', () => {
  it('agrees with path.extname, lower-cased, on names with and without extensions', () => {
    const names = ['a.TXT', 'book/ch1.md', 'book.v2/LICENSE', '.hidden', 'dir/.env', 'x.tar.gz', 'trailing.', 'plain'];
    for (const name of names) expect(extensionOf(name), name).toBe(extname(name).toLowerCase());
  });
});
