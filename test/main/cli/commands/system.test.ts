// `spanfill system`'s options: the provider probe is cached per process (services/system.ts), and
// a CLI command is one process, so it always probes afresh; it takes no --refresh (that is the
// contract's, for the app's Settings screen, which lives on).
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runSpanfill } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-system-cli-');

describe('spanfill system', () => {
  it('takes no --refresh, which would change nothing in a process of its own', async () => {
    const dataDir = tempDir();
    const help = await runSpanfill(['system', '--help', '--data-dir', dataDir]);
    expect(help.stdout).toMatch(/^Usage: spanfill system \[--data-dir DIR\] \[--json\]$/m);
    expect(help.stdout).not.toContain('--refresh');
    const refused = await runSpanfill(['system', '--refresh', '--data-dir', dataDir]);
    expect(refused.code).toBe(exitCodes.usage);
    expect(refused.stderr).toContain('--refresh');
  });
});
