// Hub failures as one error type with a code the services map to the contract's codes, and
// a message that names the repository, the address and what to do. HubApiError (the
// client's) carries only the HTTP status, so the advice is chosen here from that.

import { HubApiError } from '@huggingface/hub';
import { errorMessage, isDiskFull } from '../../../shared/errors';

export type HubErrorCode =
  'not-found' | 'unauthorized' | 'network' | 'checksum' | 'missing-files' | 'not-cached' | 'bad-response' | 'invalid';

export class HubError extends Error {
  override name = 'HubError';
  constructor(
    readonly code: HubErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A request to the Hub that got no headers, or no more bytes of its body, in time (timedFetch.ts). */
export class HubTimeoutError extends Error {
  override name = 'HubTimeoutError';
  constructor(
    readonly phase: 'headers' | 'body',
    readonly ms: number,
  ) {
    const seconds = `${Math.round(ms / 100) / 10} s`;
    super(phase === 'headers' ? `no answer in ${seconds}` : `no bytes for ${seconds}`);
  }
}

/**
 * What to check when the Hub cannot be reached, and what is kept; shared by every network failure.
 * Nothing about offline use: a pull that cannot reach the Hub already falls back on a copy in the
 * cache (services/models.ts), so this reaches a person only when there is none, in the app (which
 * has no --offline) as in the CLI.
 */
const NETWORK_ADVICE =
  'Check the network (a firewall or proxy in the way?) and HF_ENDPOINT; a pull again resumes where this one stopped.';

/** What the person should do after `status` from the Hub for `what` (a repository or a file). */
function statusAdvice(status: number, what: string, endpoint: string): HubError {
  if (status === 401 || status === 403)
    return new HubError(
      'unauthorized',
      `${endpoint} refused ${what} (HTTP ${status}): the repository is gated or private, or does not exist. ` +
        'If it exists, accept its terms on the Hub and give a token: set HF_TOKEN, or store one with `spanfill models token set`.',
    );
  if (status === 404)
    return new HubError(
      'not-found',
      `${endpoint} has no ${what} (HTTP 404); check the repository id and revision (ids look like google/flan-t5-small).`,
    );
  return new HubError('bad-response', `${endpoint} answered HTTP ${status} for ${what}; try again later.`);
}

/** Turn whatever the client or fetch threw into a HubError (abort errors pass through unchanged). */
export function toHubError(error: unknown, what: string, endpoint: string): unknown {
  if (error instanceof HubError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  // Not the network's doing: the callers say a full disk as one (services/errors.ts withDiskFullHint).
  if (isDiskFull(error)) return error;
  if (error instanceof HubApiError) return statusAdvice(error.statusCode, what, endpoint);
  if (error instanceof HubTimeoutError)
    return new HubError(
      'network',
      `${endpoint} ${error.phase === 'headers' ? 'did not answer for' : 'stopped sending'} ${what} ` +
        `(${error.message}). ${NETWORK_ADVICE}`,
    );
  if (error instanceof TypeError && /access token/i.test(error.message))
    return new HubError(
      'invalid',
      `${error.message}; Hugging Face tokens look like hf_… (huggingface.co/settings/tokens)`,
    );
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = errorMessage(error);
  return new HubError('network', `Cannot download ${what} from ${endpoint} (${message}${cause}). ${NETWORK_ADVICE}`);
}

/** True for failures worth retrying at once (a dropped connection), false for answers from the Hub. */
export function isTransient(error: unknown): boolean {
  if (error instanceof HubApiError) return error.statusCode >= 500 || error.statusCode === 429;
  if (error instanceof HubError || isDiskFull(error)) return false;
  return !(error instanceof Error && error.name === 'AbortError');
}
