// Commands printed for the person to run next (src/main/cli/nextCommand.ts): pasted into a POSIX
// shell they reach the data directory the printing command used, whatever its name holds.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/main/cli/command';
import { chosenDataDir, shellWord, spanfillCommand } from '../../../src/main/cli/nextCommand';

/** What `sh` reads `quoted` as: one word, printed back. */
const shellReads = (quoted: string): string => execFileSync('sh', ['-c', `printf %s ${quoted}`]).toString();

describe('shellWord', () => {
  it('leaves a plain word as it is and quotes one the shell would split or expand', () => {
    expect(shellWord('/tmp/data-1')).toBe('/tmp/data-1');
    expect(shellWord('/tmp/a b')).toBe("'/tmp/a b'");
    for (const word of ['/tmp/a b', "/tmp/it's", '$HOME/`x`', 'a\\b"c', '*', '', '~/d', 'new\nline'])
      expect(shellReads(shellWord(word)), word).toBe(word);
  });
});

describe('spanfillCommand', () => {
  it('names the data directory, quoted, only when one is given', () => {
    expect(spanfillCommand('runs resume r-1')).toBe('spanfill runs resume r-1');
    expect(spanfillCommand('runs resume r-1', '/tmp/a b')).toBe("spanfill runs resume r-1 --data-dir '/tmp/a b'");
  });
});

describe('chosenDataDir', () => {
  const context = (flag: string | undefined, env: NodeJS.ProcessEnv) =>
    ({ dataDir: '/abs/d', env, string: (name: string) => (name === 'data-dir' ? flag : undefined) }) as Pick<
      CommandContext,
      'dataDir' | 'env' | 'string'
    >;

  it('is the resolved folder when --data-dir or SPANFILL_DATA_DIR chose it, else none', () => {
    expect(chosenDataDir(context('d', {}))).toBe('/abs/d');
    expect(chosenDataDir(context(undefined, { SPANFILL_DATA_DIR: '/abs/d' }))).toBe('/abs/d');
    expect(chosenDataDir(context(undefined, {}))).toBeUndefined();
  });
});
