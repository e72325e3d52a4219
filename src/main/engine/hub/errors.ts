// Hub failures as one error type with a code the services map to the contract's codes, and
// a message that names the repository, the address and what to do. The advice is chosen here
// from the HTTP status of the client's HubApiError and whether a token went with the request;
// the Hub's own words (its JSON `error`, e.g. "you are not in the authorized list") are quoted.

import { HubApiError } from '@huggingface/hub';
import { errorMessage, isDiskFull } from '../../../shared/errors';
import { PULL_AGAIN } from '../../../shared/pullAgain';
import type { HubSettings } from './settings';

export type HubErrorCode =
  | 'not-found'
  | 'unauthorized'
  | 'network'
  | 'checksum'
  | 'missing-files'
  | 'not-cached'
  | 'bad-response'
  | 'invalid'
  /** Another process (or another service here) is downloading the same repository (pullLock.ts). */
  | 'busy';

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

// The words that say to pull again, here for the engine's callers (pullLock.ts, services/demo.ts).
export { PULL_AGAIN };

/**
 * What to check when the Hub cannot be reached; shared by every network failure. Nothing about
 * offline use: a pull that cannot reach the Hub already falls back on a copy in the cache
 * (services/models.ts), so this reaches a person only when there is none, in the app (which has
 * no --offline) as in the CLI.
 */
// NOTE: nothing about what is kept: only the pull knows whether anything arrived (keptNote.ts).
const NETWORK_ADVICE = `Check the network (a firewall or proxy in the way?) and HF_ENDPOINT, ${PULL_AGAIN}.`;

/** What a message needs of the Hub settings: where, and the token sent (never said) and whence. */
export type HubContext = Pick<HubSettings, 'endpoint'> & Partial<Pick<HubSettings, 'token' | 'tokenFrom'>>;

/** Longest quote of the Hub's own words; its gated-repository sentences are ~150 characters. */
const HUB_WORDS_MAX = 300;

/**
 * The Hub's own sentence for a refusal: the `error` field of its JSON answer, which the client
 * keeps in `data` (huggingface.js createApiError); control characters flattened, cut to
 * HUB_WORDS_MAX. None for an answer that was not JSON (a proxy's HTML page).
 */
function hubWords(error: HubApiError): string {
  const said = error.data?.error;
  if (typeof said !== 'string') return '';
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const flat = said.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (flat === '') return '';
  const cut = flat.length > HUB_WORDS_MAX ? `${flat.slice(0, HUB_WORDS_MAX - 1)}…` : flat;
  return ` The Hub said: “${cut}”.`;
}

/** A 401 or 403: with no token, ask for one; with one, say that one was refused and what to check. */
function refusal(error: HubApiError, what: string, hub: HubContext): HubError {
  const status = `${hub.endpoint} refused ${what} (HTTP ${error.statusCode})`;
  if (hub.token === undefined)
    return new HubError(
      'unauthorized',
      `${status}: the repository is gated or private, or does not exist.${hubWords(error)} ` +
        'If it exists, accept its terms on the Hub and give a token: set HF_TOKEN, or store one in the Access token ' +
        'box of the Models screen or with `spanfill models token set hf_…`.',
    );
  return new HubError(
    'unauthorized',
    `${status} with ${hub.tokenFrom === undefined ? 'the token it was given' : `the token from ${hub.tokenFrom}`}.` +
      `${hubWords(error)} Check that the token is valid and has read access (huggingface.co/settings/tokens); ` +
      'for a gated repository, accept its terms on its Hub page with the account the token belongs to; ' +
      'a private one must be shared with that account. Or check the repository id.',
  );
}

/** What the person should do after the Hub answered `error` for `what` (a repository or a file). */
function statusAdvice(error: HubApiError, what: string, hub: HubContext): HubError {
  const { statusCode: status } = error;
  const { endpoint } = hub;
  if (status === 401 || status === 403) return refusal(error, what, hub);
  if (status === 404)
    return new HubError(
      'not-found',
      `${endpoint} has no ${what} (HTTP 404); check the repository id and revision (ids look like google/flan-t5-small).`,
    );
  return new HubError('bad-response', `${endpoint} answered HTTP ${status} for ${what}; try again later.`);
}

/** Turn whatever the client or fetch threw into a HubError (abort errors pass through unchanged). */
export function toHubError(error: unknown, what: string, hub: HubContext): unknown {
  const { endpoint } = hub;
  if (error instanceof HubError) return error;
  if (error instanceof Error && error.name === 'AbortError') return error;
  // Not the network's doing: the callers say a full disk as one (services/errors.ts withDiskFullHint).
  if (isDiskFull(error)) return error;
  if (error instanceof HubApiError) return statusAdvice(error, what, hub);
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
  const plain = unreachable(error, endpoint);
  if (plain !== undefined)
    return new HubError('network', `Cannot download ${what} from ${endpoint}: ${plain}. ${NETWORK_ADVICE}`);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const message = errorMessage(error);
  return new HubError('network', `Cannot download ${what} from ${endpoint} (${message}${cause}). ${NETWORK_ADVICE}`);
}

/**
 * A network failure of a repository id without an owner (`t5-small`): the Hub still has a few
 * such old ones, so the id is sent, but most are owner/name; the message says so, as the id may
 * be what is wrong too. Any other error as it was.
 */
export function withOwnerNote(error: unknown, repoId: string): unknown {
  if (!(error instanceof HubError) || error.code !== 'network' || repoId.includes('/')) return error;
  return new HubError(
    'network',
    `${error.message} Note that ${repoId} has no owner: a few old repositories are named so (t5-small, gpt2), ` +
      'but most are owner/name, e.g. google/flan-t5-small; check the id too.',
  );
}

/** Node's codes for a connection that was not made, as what happened to `host` in plain words. */
const UNREACHABLE: Readonly<Record<string, (host: string) => string>> = {
  ENOTFOUND: (host) => `${host} could not be found (no network, or DNS)`,
  EAI_AGAIN: (host) => `${host} could not be found (no network, or DNS)`,
  ECONNREFUSED: (host) => `${host} refused the connection (nothing answers there, or a firewall)`,
  ETIMEDOUT: (host) => `the connection to ${host} timed out`,
  UND_ERR_CONNECT_TIMEOUT: (host) => `the connection to ${host} timed out`,
  ECONNRESET: (host) => `the connection to ${host} was cut`,
  UND_ERR_SOCKET: (host) => `the connection to ${host} was cut`,
  ENETUNREACH: (host) => `${host} could not be reached (no route: no network?)`,
  EHOSTUNREACH: (host) => `${host} could not be reached (no route: no network?)`,
};

/** TLS codes of a certificate Node would not trust (a proxy that opens HTTPS, a mirror's own certificate). */
const UNTRUSTED = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/**
 * What fetch's "fetch failed" (or an error it wraps) says of a connection not made, in plain
 * words rather than Node's ("getaddrinfo ENOTFOUND huggingface.co"); undefined for anything else.
 */
function unreachable(error: unknown, endpoint: string): string | undefined {
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 4; depth++) {
    const { code, hostname } = at as { code?: unknown; hostname?: unknown };
    const host = typeof hostname === 'string' && hostname !== '' ? hostname : hostOf(endpoint);
    if (typeof code === 'string') {
      const said = UNREACHABLE[code];
      if (said) return said(host);
      if (UNTRUSTED.test(code))
        return `the certificate of ${host} is not trusted (${code}: a proxy that opens HTTPS? NODE_EXTRA_CA_CERTS names a certificate to trust)`;
    }
    at = at instanceof AggregateError && at.errors.length > 0 ? at.errors[0] : at.cause;
  }
  return undefined;
}

/** The host of an endpoint address (the address itself where it does not read). */
function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}

/** True for failures worth retrying at once (a dropped connection), false for answers from the Hub. */
export function isTransient(error: unknown): boolean {
  if (error instanceof HubApiError) return error.statusCode >= 500 || error.statusCode === 429;
  if (error instanceof HubError || isDiskFull(error)) return false;
  return !(error instanceof Error && error.name === 'AbortError');
}
