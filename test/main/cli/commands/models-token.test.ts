// `spanfill models token set -`: the token from standard input (out of shell history and the
// process list), as `echo "$T" | spanfill models token set -` pipes it; a terminal is refused
// (the token would be typed in sight), as is a folder redirected in; Ctrl-C while waiting cancels.
import { openSync, closeSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../../src/shared/errors';
import { tokenArgument } from '../../../../src/main/cli/commands/models-token';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-models-token-');
const never = new AbortController().signal;

describe('tokenArgument', () => {
  it('takes TOKEN as it is, and standard input for -, with the line break echo adds', async () => {
    expect(await tokenArgument('hf_abc', { stdin: Readable.from([]), signal: never })).toBe('hf_abc');
    expect(await tokenArgument('-', { stdin: Readable.from(['hf_', 'piped\n']), signal: never })).toBe('hf_piped\n');
  });

  it('refuses a terminal and a folder as standard input, saying how to give it', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true });
    const typed = await tokenArgument('-', { stdin: terminal, signal: never }).catch((e: unknown) => e);
    expect(typed).toBeInstanceOf(ApiError);
    expect((typed as ApiError).message).toBe(
      '`models token set -` reads the token from standard input, which is a terminal here; pipe it in ' +
        '(`echo "$HF_TOKEN" | spanfill models token set -`) or redirect a file (< FILE)',
    );
    const fd = openSync(tempDir(), 'r');
    try {
      const folder = Object.assign(new PassThrough(), { fd });
      const error = await tokenArgument('-', { stdin: folder, signal: never }).catch((e: unknown) => e);
      expect((error as ApiError).message).toBe(
        'Standard input is a folder, not the token; pipe the token in or redirect a file that holds it (< FILE)',
      );
    } finally {
      closeSync(fd);
    }
  });

  it('stops waiting on Ctrl-C', async () => {
    const stop = new AbortController();
    const waiting = tokenArgument('-', { stdin: new PassThrough(), signal: stop.signal });
    stop.abort();
    const error = (await waiting.catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('cancelled');
  });
});
