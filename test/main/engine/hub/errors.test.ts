// hub/errors.ts: a write that met a full disk during a download is neither retried nor said as a
// network failure ("check the connection"); it passes through for the callers to say as a full
// disk. A dropped connection still is both.
import { describe, expect, it } from 'vitest';
import { HubError, HubTimeoutError, isTransient, toHubError } from '../../../../src/main/engine/hub/errors';

describe('hub errors', () => {
  it('passes a full disk through, not retried', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(isTransient(full)).toBe(false);
    expect(toHubError(full, 'model.safetensors of t5-small', 'https://huggingface.co')).toBe(full);
  });

  it('says a dropped connection as the network, and retries it', () => {
    const dropped = new TypeError('fetch failed');
    expect(isTransient(dropped)).toBe(true);
    const said = toHubError(dropped, 'model.safetensors of t5-small', 'https://huggingface.co');
    expect(said).toBeInstanceOf(HubError);
    expect((said as HubError).message).toMatch(
      /^Cannot download model\.safetensors of t5-small from https:\/\/huggingface\.co \(fetch failed\)\. Check the network .* and HF_ENDPOINT; /,
    );
  });

  it('says a timeout as the Hub not answering or stopping, retried like a dropped connection', () => {
    const stalled = new HubTimeoutError('body', 60_000);
    expect(isTransient(stalled)).toBe(true);
    expect((toHubError(stalled, 'model.safetensors of t5-small', 'https://hf.co') as HubError).message).toMatch(
      /^https:\/\/hf\.co stopped sending model\.safetensors of t5-small \(no bytes for 60 s\)\. Check the network/,
    );
    const silent = toHubError(new HubTimeoutError('headers', 30_000), 'repository a/b@main', 'https://hf.co');
    expect((silent as HubError).code).toBe('network');
    expect((silent as HubError).message).toMatch(
      /^https:\/\/hf\.co did not answer for repository a\/b@main \(no answer in 30 s\)/,
    );
  });
});
