// hub/errors.ts: a write that met a full disk during a download is neither retried nor said as a
// network failure ("check the connection"); it passes through for the callers to say as a full
// disk. A dropped connection still is both.
import { HubApiError } from '@huggingface/hub';
import { describe, expect, it } from 'vitest';
import { HubError, HubTimeoutError, isTransient, toHubError } from '../../../../src/main/engine/hub/errors';

const HF = { endpoint: 'https://huggingface.co' };

/** The client's error for an HTTP answer, `body` its JSON as the client keeps it. */
function answered(status: number, body?: Record<string, string>): HubApiError {
  const error = new HubApiError('https://huggingface.co/api/models/google/gated', status);
  if (body) error.data = body;
  return error;
}

describe('hub errors', () => {
  it('passes a full disk through, not retried', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(isTransient(full)).toBe(false);
    expect(toHubError(full, 'model.safetensors of t5-small', HF)).toBe(full);
  });

  it('says a dropped connection as the network, and retries it', () => {
    const dropped = new TypeError('fetch failed');
    expect(isTransient(dropped)).toBe(true);
    const said = toHubError(dropped, 'model.safetensors of t5-small', HF);
    expect(said).toBeInstanceOf(HubError);
    expect((said as HubError).message).toMatch(
      /^Cannot download model\.safetensors of t5-small from https:\/\/huggingface\.co \(fetch failed\)\. Check the network .* and HF_ENDPOINT, then pull again\.$/,
    );
  });

  it('says a timeout as the Hub not answering or stopping, retried like a dropped connection', () => {
    const stalled = new HubTimeoutError('body', 60_000);
    expect(isTransient(stalled)).toBe(true);
    expect(
      (toHubError(stalled, 'model.safetensors of t5-small', { endpoint: 'https://hf.co' }) as HubError).message,
    ).toMatch(
      /^https:\/\/hf\.co stopped sending model\.safetensors of t5-small \(no bytes for 60 s\)\. Check the network/,
    );
    const silent = toHubError(new HubTimeoutError('headers', 30_000), 'repository a/b@main', {
      endpoint: 'https://hf.co',
    });
    expect((silent as HubError).code).toBe('network');
    expect((silent as HubError).message).toMatch(
      /^https:\/\/hf\.co did not answer for repository a\/b@main \(no answer in 30 s\)/,
    );
  });

  it('without a token, asks for one on 401/403, with what the Hub said', () => {
    const said = toHubError(
      answered(403, { error: 'Access to model google/gated is restricted. You must have access to it.' }),
      'repository google/gated@main',
      HF,
    ) as HubError;
    expect(said.code).toBe('unauthorized');
    expect(said.message).toMatch(/refused repository google\/gated@main \(HTTP 403\)/);
    expect(said.message).toContain(
      'The Hub said: “Access to model google/gated is restricted. You must have access to it.”',
    );
    // The command as it runs (a bare `token set` is a usage error), and the app's own box.
    expect(said.message).toContain(
      'give a token: set HF_TOKEN, or store one in the Access token box of the Models screen or with ' +
        '`spanfill models token set hf_…`.',
    );
  });

  it('with a token, says that token was refused and what to check, never "give a token"', () => {
    for (const [tokenFrom, named] of [
      ['HF_TOKEN', 'the token from HF_TOKEN'],
      [undefined, 'the token it was given'],
    ] as const) {
      const said = toHubError(
        answered(401, { error: 'Invalid credentials in Authorization header' }),
        'repository a/b@main',
        {
          ...HF,
          token: 'hf_secret',
          tokenFrom,
        },
      ) as HubError;
      expect(said.code).toBe('unauthorized');
      expect(said.message).toContain(`refused repository a/b@main (HTTP 401) with ${named}`);
      expect(said.message).toContain('The Hub said: “Invalid credentials in Authorization header”');
      expect(said.message).toMatch(/read access .*accept its terms/);
      expect(said.message).not.toMatch(/give a token/);
      expect(said.message).not.toContain('hf_secret');
    }
  });

  it('leaves out what the Hub said when it is not a short line of JSON text', () => {
    const html = toHubError(
      answered(403, { message: '<html>' + 'x'.repeat(50) + '</html>' }),
      'repository a/b@main',
      HF,
    );
    expect((html as HubError).message).not.toContain('Hub said');
    const long = toHubError(answered(403, { error: 'y'.repeat(2000) }), 'repository a/b@main', HF);
    expect((long as HubError).message.length).toBeLessThan(800);
    const control = toHubError(answered(403, { error: 'bad\u001b[31m red\nline' }), 'repository a/b@main', HF);
    expect((control as HubError).message).toContain('“bad [31m red line”');
  });

  it('promises nothing kept: it cannot know that anything arrived (the pull says what did: download.ts)', () => {
    const said = toHubError(new TypeError('fetch failed'), 'repository a/b@main', HF) as HubError;
    expect(said.message).not.toMatch(/kept|resume/);
    expect(said.message).toMatch(/\) and HF_ENDPOINT, then pull again\.$/);
  });

  it("says a Hub not found, refused or untrusted in plain words, not Node's codes", () => {
    /** fetch's own failure, wrapping Node's as undici does. */
    const failed = (cause: Error): TypeError => new TypeError('fetch failed', { cause });
    const coded = (message: string, code: string, more: object = {}): Error =>
      Object.assign(new Error(message), { code, ...more });
    const said = (error: unknown): string => (toHubError(error, 'repository a/b@main', HF) as HubError).message;
    const dns = said(
      failed(coded('getaddrinfo ENOTFOUND huggingface.co', 'ENOTFOUND', { hostname: 'huggingface.co' })),
    );
    expect(dns).toBe(
      'Cannot download repository a/b@main from https://huggingface.co: huggingface.co could not be found ' +
        '(no network, or DNS). Check the network (a firewall or proxy in the way?) and HF_ENDPOINT, then pull again.',
    );
    // Several addresses refused: undici gives them as one AggregateError with the code.
    const refused = said(
      failed(Object.assign(new AggregateError([coded('connect ECONNREFUSED ::1:443', 'ECONNREFUSED')]), {})),
    );
    expect(refused).toContain('https://huggingface.co: huggingface.co refused the connection');
    expect(said(failed(coded('connect ETIMEDOUT 1.2.3.4:443', 'ETIMEDOUT')))).toContain(
      'the connection to huggingface.co timed out',
    );
    const untrusted = said(failed(coded('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN')));
    expect(untrusted).toContain('the certificate of huggingface.co is not trusted (SELF_SIGNED_CERT_IN_CHAIN');
    for (const message of [dns, refused, untrusted]) expect(message).not.toMatch(/getaddrinfo|connect E|fetch failed/);
  });
});
