// Preloaded into `spanfill serve` (NODE_OPTIONS=--import) by the e2e tests that need a server-side
// import to stay under way while the page does something (a reload): the import's open of a file
// named `held-…` (read-only, non-blocking: engine/data/fileChunks.ts, nothing else opens so) waits
// until a file of the same name is in SPANFILL_TEST_HOLD_DIR, after writing `<name>.reached` there,
// so the test knows the import has started and is held. Without that variable: nothing.

import fs, { constants } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';

const holdDir = process.env.SPANFILL_TEST_HOLD_DIR;
const importRead = constants.O_RDONLY | constants.O_NONBLOCK;

if (holdDir !== undefined) {
  const open = fs.promises.open;
  fs.promises.open = async function heldOpen(file, flags, mode) {
    const name = typeof file === 'string' ? path.basename(file) : '';
    if (name.startsWith('held-') && flags === importRead) {
      fs.writeFileSync(path.join(holdDir, `${name}.reached`), '');
      while (!fs.existsSync(path.join(holdDir, name))) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return open.call(this, file, flags, mode);
  };
  syncBuiltinESMExports();
}
