// The one boundary every call crosses, whatever the transport: look the call up in the
// contract, validate its arguments with the contract's schema (a bad one is
// `invalid_argument` naming the field), run the handler with the call's context (its cancel
// signal, from the transport), and wrap the outcome in an envelope.

import type { z } from 'zod';
import { contractMessages } from '../../shared/contract/issues';
import { findCall, listCallNames, type CallName } from '../../shared/contract';
import { ApiError, type Envelope, type ErrorInfo, errorMessage, isDiskFull } from '../../shared/errors';
import { clipText } from '../../shared/format';
import { isReadOnly, withDiskFullHint } from './errors';
import type { CallContext, Handlers } from './handler';

export async function dispatchCall(
  handlers: Handlers,
  name: unknown,
  rawArgs: unknown,
  context: CallContext = {},
): Promise<Envelope<unknown>> {
  try {
    if (typeof name !== 'string')
      throw new ApiError('invalid_argument', `Field 'call' must be a string naming the call, got ${typeof name}`);
    const spec = findCall(name);
    if (!spec)
      throw new ApiError(
        'not_found',
        `Unknown call '${clipText(name, ECHO_CHARS)}'; expected one of: ${listCallNames().join(', ')}`,
      );
    refuseHugeOrCyclicArguments(name, rawArgs);
    // Calls without arguments may omit them entirely.
    const parsed = spec.args.safeParse(rawArgs === undefined ? {} : rawArgs, { error: contractMessages });
    if (!parsed.success) throw new ApiError('invalid_argument', describeIssues(name, parsed.error.issues));
    const handler = handlers[name as CallName] as (args: unknown, context: CallContext) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data, context) };
  } catch (error) {
    return { ok: false, error: toErrorInfo(abandonedBy(context.signal) ?? error) };
  }
}

/**
 * Why the call's caller left, when it has (its signal aborted with an ApiError, as every
 * transport aborts): whatever the handler threw after that is the call being abandoned — on
 * `spanfill serve` stopping, its sockets close and then the store closes under handlers still
 * awaiting — and no fault to log; nobody reads the answer.
 */
function abandonedBy(signal: AbortSignal | undefined): ApiError | undefined {
  return signal?.aborted && signal.reason instanceof ApiError ? signal.reason : undefined;
}

/** What an error message quotes of a caller's own text at most (a call's name, an unknown field). */
const ECHO_CHARS = 80;
/** Unknown fields an error message names at most. */
const ECHO_FIELDS = 5;
/**
 * Values (object fields and list items, nested ones counted) a call's arguments may hold: far
 * more than any call takes (an import of its most paths is 100,000), while zod's strict objects
 * took 3.5 s over one frame of 700,000 unknown fields, every other client waiting.
 */
export const MAX_ARGUMENT_VALUES = 250_000;

/** One object met while walking a call's arguments, with the way to it from the top. */
interface ArgumentNode {
  readonly value: object;
  /** Its field's name, or its place in a list. */
  readonly key: string | number;
  readonly parent: ArgumentNode | undefined;
}

/**
 * Refuses arguments of more than MAX_ARGUMENT_VALUES values, counting no further than that, and
 * arguments that contain themselves. NOTE: Electron's IPC clones cycles faithfully (JSON cannot
 * carry one), and counting one would only end at the limit with the wrong reason.
 */
function refuseHugeOrCyclicArguments(callName: string, args: unknown): void {
  if (typeof args !== 'object' || args === null) return;
  // Depth first with a leave step per object, so `ancestors` holds exactly the objects above the
  // one being read: an object held twice side by side is no cycle, only one that holds itself.
  const ancestors = new Set<object>();
  const pending: { node: ArgumentNode; isLeaving: boolean }[] = [
    { node: { value: args, key: '', parent: undefined }, isLeaving: false },
  ];
  let counted = 0;
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    const { node, isLeaving } = step;
    if (isLeaving) {
      ancestors.delete(node.value);
      continue;
    }
    ancestors.add(node.value);
    pending.push({ node, isLeaving: true });
    // A list by index, holes included as JSON writes them (null): its Object.keys made a string
    // per item before one was counted (3,000,000 items: 0.9 s and 92 MiB; by index under 0.1 s and
    // none), and a sparse one, which Electron's IPC clones as it is (`new Array(1e9)`), had no keys
    // to count while a schema walks its whole length. An object's names, then one read each: over
    // 700,000 fields a third of Object.values' time (for...in lists every name first in V8 too).
    const { value } = node;
    const names = Array.isArray(value) ? undefined : Object.keys(value);
    const size = names === undefined ? (value as unknown[]).length : names.length;
    const fields = value as Record<string | number, unknown>;
    for (let at = 0; at < size; at += 1) {
      const key = names === undefined ? at : names[at];
      const item = fields[key];
      counted += 1;
      if (counted > MAX_ARGUMENT_VALUES)
        throw new ApiError(
          'invalid_argument',
          `Invalid argument for ${callName}: over ${MAX_ARGUMENT_VALUES.toLocaleString('en-US')} values; no call takes that many`,
        );
      if (typeof item !== 'object' || item === null) continue;
      const child: ArgumentNode = { value: item, key, parent: node };
      if (ancestors.has(item))
        throw new ApiError(
          'invalid_argument',
          `Invalid argument for ${callName}: field '${clipText(fieldPath(child), ECHO_CHARS)}' holds an object ` +
            'that contains it (a cyclic object); arguments must be plain data, as JSON can write it',
        );
      pending.push({ node: child, isLeaving: false });
    }
  }
}

/** "config.masking.self": the keys from the arguments down to a node. */
function fieldPath(node: ArgumentNode): string {
  const keys: (string | number)[] = [];
  for (let at: ArgumentNode | undefined = node; at?.parent !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.');
}

/** "system.ping: field 'message': expected string, received number" (first three issues). */
export function describeIssues(callName: string, issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 3).map((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const named = issue.keys.slice(0, ECHO_FIELDS).map((key) => clipText(base ? `${base}.${key}` : key, ECHO_CHARS));
      const more = issue.keys.length - named.length;
      return `unknown field ${named.map((field) => `'${field}'`).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    }
    const message = issue.message.replace(/^Invalid input: /, '');
    return `field '${base || '(arguments)'}': ${message}`;
  });
  return `Invalid argument for ${callName}: ${parts.join('; ')}`;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  // Not an expected failure: keep the stack for whoever reads the logs; the caller gets the message.
  // A full or read-only disk is the machine's state, not a fault: its message says what to do.
  if (!isDiskFull(error) && !isReadOnly(error)) console.error('Unexpected error in a call handler:', error);
  const message = withDiskFullHint(errorMessage(error));
  return { code: 'internal', message };
}
