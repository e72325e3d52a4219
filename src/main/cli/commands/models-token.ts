// `spanfill models token set -`: the token read from standard input (`echo "$T" | spanfill
// models token set -`, or `< FILE`), so that it stays out of shell history and the process list,
// where an argument shows. A terminal is refused rather than read (the token would be typed in
// sight, with no prompt saying so). Checking and storing the token is the service's
// (services/models.ts setToken: trimmed, `hf_…`, no spaces, empty refused).

import { fstatSync } from 'node:fs';
import { ApiError } from '../../../shared/errors';
import { readStreamBytes, type TextInputKind } from '../textInput';

/** Standard input for `token set -`; tests pass their own stream. */
export const tokenInput: { stdin: NodeJS.ReadableStream } = { stdin: process.stdin };

const TOKEN: TextInputKind = {
  noun: 'token',
  fileOption: '< FILE', // not shown: a folder is refused below with its own words
  maxBytes: 4096,
  limitReason: 'a Hugging Face token is a few dozen characters; pipe in only the token',
};

/** The token `models token set ARG` stores: ARG, or for `-` what standard input holds. */
export async function tokenArgument(
  arg: string,
  from: { readonly stdin: NodeJS.ReadableStream; readonly signal: AbortSignal },
): Promise<string> {
  if (arg !== '-') return arg;
  const { stdin } = from;
  if ((stdin as { isTTY?: unknown }).isTTY === true)
    throw new ApiError(
      'invalid_argument',
      '`models token set -` reads the token from standard input, which is a terminal here; pipe it in ' +
        '(`echo "$HF_TOKEN" | spanfill models token set -`) or redirect a file (< FILE)',
    );
  const fd = (stdin as { fd?: unknown }).fd;
  if (typeof fd === 'number' && fstatSync(fd).isDirectory())
    throw new ApiError(
      'invalid_input',
      'Standard input is a folder, not the token; pipe the token in or redirect a file that holds it (< FILE)',
    );
  return (await readStreamBytes(stdin, from.signal, TOKEN)).toString('utf8');
}
