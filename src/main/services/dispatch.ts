// The one boundary every call crosses, whatever the transport: look the call up in the
// contract, validate its arguments with the contract's schema (a bad one is
// `invalid_argument` naming the field), run the handler, and wrap the outcome in an envelope.

import type { z } from 'zod';
import { contractMessages } from '../../shared/contract/issues';
import { findCall, listCallNames, type CallName } from '../../shared/contract';
import { ApiError, type Envelope, type ErrorInfo, errorMessage } from '../../shared/errors';
import { withDiskFullHint } from './errors';
import type { Handlers } from './handler';

export async function dispatchCall(handlers: Handlers, name: unknown, rawArgs: unknown): Promise<Envelope<unknown>> {
  try {
    if (typeof name !== 'string')
      throw new ApiError('invalid_argument', `Field 'call' must be a string naming the call, got ${typeof name}`);
    const spec = findCall(name);
    if (!spec)
      throw new ApiError('not_found', `Unknown call '${name}'; expected one of: ${listCallNames().join(', ')}`);
    // Calls without arguments may omit them entirely.
    const parsed = spec.args.safeParse(rawArgs === undefined ? {} : rawArgs, { error: contractMessages });
    if (!parsed.success) throw new ApiError('invalid_argument', describeIssues(name, parsed.error.issues));
    const handler = handlers[name as CallName] as (args: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}

/** "system.ping: field 'message': expected string, received number" (first three issues). */
export function describeIssues(callName: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 3).map((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const fields = issue.keys.map((key) => `'${base ? `${base}.${key}` : key}'`).join(', ');
      return `unknown field ${fields}`;
    }
    const message = issue.message.replace(/^Invalid input: /, '');
    return `field '${base || '(arguments)'}': ${message}`;
  });
  return `Invalid argument for ${callName}: ${parts.join('; ')}`;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  // Not an expected failure: keep the stack for whoever reads the logs; the caller gets the message.
  console.error('Unexpected error in a call handler:', error);
  const message = withDiskFullHint(errorMessage(error));
  return { code: 'internal', message };
}
