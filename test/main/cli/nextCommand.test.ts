// The data directory that commands the CLI prints must name (src/main/cli/nextCommand.ts): the
// one --data-dir or SPANFILL_DATA_DIR chose, none for the per-user one. How they name it:
// test/shared/commandText.test.ts.
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../src/main/cli/command';
import { chosenDataDir } from '../../../src/main/cli/nextCommand';

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
