// fetch for the Hub client with two time limits, so that a Hub that takes the connection and
// never answers, or stops sending half-way, fails in seconds rather than after undici's five
// minutes: one for the response's headers, and one for a body that brings no bytes (reset by
// every chunk, so a large file that keeps flowing takes as long as it needs). Either ends the
// request with a HubTimeoutError; the person's own abort (cancel, Ctrl-C) passes through as it is.

import { HubTimeoutError } from './errors';

export interface HubTimeouts {
  /** How long a request may wait for the response's headers. */
  readonly headersMs: number;
  /** How long a response's body may bring no bytes; not a limit on the whole transfer. */
  readonly idleMs: number;
}

export const DEFAULT_HUB_TIMEOUTS: HubTimeouts = { headersMs: 30_000, idleMs: 60_000 };

/** Statuses whose Response cannot be built with a body (the Fetch standard's null body statuses). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export class TimedFetch {
  /**
   * The last timeout that ended a request. The client's WebBlob.stream() passes on only a
   * failed request's message; `explain` finds the timeout again by it.
   */
  private lastTimeout: HubTimeoutError | undefined;
  /** The Hub's X-Error-Code of each refused request, by its URL (the client's HubApiError keeps no headers). */
  private readonly errorCodes = new Map<string, string>();

  constructor(
    private readonly signal: AbortSignal | undefined,
    private readonly timeouts: HubTimeouts = DEFAULT_HUB_TIMEOUTS,
  ) {}

  /** `error` as the HubTimeoutError it reports where it is one (also when only its message came through). */
  explain(error: unknown): unknown {
    if (error instanceof HubTimeoutError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return this.lastTimeout !== undefined && message === this.lastTimeout.message ? this.lastTimeout : error;
  }

  /** What the Hub's X-Error-Code header said of the refused request to `url` (RevisionNotFound, RepoNotFound, …). */
  errorCode(url: string): string | undefined {
    return this.errorCodes.get(url);
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const controller = new AbortController();
    const { signal } = this;
    const forward = () => controller.abort(signal?.reason);
    if (signal?.aborted) forward();
    signal?.addEventListener('abort', forward, { once: true });
    const done = () => signal?.removeEventListener('abort', forward);
    const reason = (error: unknown): unknown =>
      controller.signal.reason instanceof HubTimeoutError ? controller.signal.reason : error;
    const expireAfter = (phase: HubTimeoutError['phase'], ms: number) =>
      setTimeout(() => {
        this.lastTimeout = new HubTimeoutError(phase, ms);
        controller.abort(this.lastTimeout);
      }, ms);
    const headersTimer = expireAfter('headers', this.timeouts.headersMs);
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal: controller.signal });
    } catch (error) {
      done();
      throw reason(error);
    } finally {
      clearTimeout(headersTimer);
    }
    const errorCode = response.headers.get('X-Error-Code');
    if (response.status >= 400 && errorCode !== null) this.errorCodes.set(response.url, errorCode);
    if (response.body === null || NULL_BODY_STATUSES.has(response.status)) {
      done();
      return response;
    }
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      pull: async (out) => {
        const idleTimer = expireAfter('body', this.timeouts.idleMs);
        try {
          const { done: isDone, value } = await reader.read();
          if (!isDone) return out.enqueue(value);
          out.close();
          done();
        } catch (error) {
          done();
          throw reason(error);
        } finally {
          clearTimeout(idleTimer);
        }
      },
      cancel: (why) => {
        done();
        return reader.cancel(why);
      },
    });
    return withBody(response, body);
  };
}

/** `response` with `body` in place of its own; its url and redirected kept (the client reads url). */
function withBody(response: Response, body: ReadableStream<Uint8Array>): Response {
  const { status, statusText, headers, url, redirected } = response;
  const wrapped = new Response(body, { status, statusText, headers });
  Object.defineProperty(wrapped, 'url', { value: url });
  Object.defineProperty(wrapped, 'redirected', { value: redirected });
  return wrapped;
}
