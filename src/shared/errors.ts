// Error codes and the envelope every call result crosses a process boundary in.
// Both transports (Electron IPC, WebSocket) carry exactly these shapes; the client side
// turns a failed envelope back into an ApiError with the original code and message.

export const errorCodes = [
  /** The call's own arguments are wrong: a field fails its schema, a setting is out of range. */
  'invalid_argument',
  /**
   * The data the call points at is wrong: a file's contents, a path that does not exist as a
   * regular file or folder, a model folder, a case file, a prompt. The caller fixes the data,
   * not the call (the CLI exits 1 for these, 2 only for a bad command line).
   */
  'invalid_input',
  'not_found',
  'not_implemented',
  'conflict',
  'cancelled',
  'unavailable',
  'internal',
  /** A remote service (the Hugging Face Hub) could not be reached or answered wrongly. */
  'remote_failed',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
}

export type Envelope<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: ErrorInfo };

/** An error with a stable code, thrown by services and re-thrown by clients. */
export class ApiError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}

/** Narrow an unknown value (e.g. parsed JSON) to an envelope; anything else is a protocol error. */
export function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'result' in value;
  if (value.ok !== false || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    isErrorCode(error.code) &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

/** Turn an envelope into its result, or throw the error it carries with its real message. */
export function unwrapEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.result;
  throw new ApiError(envelope.error.code, envelope.error.message);
}

/**
 * What a caught value says in words: an Error's message, anything else as text. The one
 * spelling of this for every process (services, engine, CLI, the screens).
 */
export function errorMessage(caught: unknown): string {
  return caught instanceof Error ? caught.message : String(caught);
}

/** Node's and SQLite's words for a write that found no room (or no quota) left on the disk. */
const DISK_FULL = /ENOSPC|no space left on device|EDQUOT|disk quota exceeded|SQLITE_FULL|database or disk is full/i;

/**
 * How Spanfill says a full disk, in place of Node's or SQLite's words (services/errors.ts
 * withDiskFullHint, a failed run's error, the store's refusal to open on a full disk).
 */
export const DISK_FULL_WORDS = 'The disk is full';

/**
 * Whether a caught value (or a message) is a write that met a full disk, no retry mending it: in
 * Node's or SQLite's words, or already in DISK_FULL_WORDS without them. The one test of a full
 * disk for every process.
 */
export function isDiskFull(caught: unknown): boolean {
  const message = errorMessage(caught);
  return DISK_FULL.test(message) || message.includes(DISK_FULL_WORDS);
}
