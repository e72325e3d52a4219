// Building a dataset's token cache in the engine host (host/handlers/data.ts) so that
// tokenizing — seconds to hours of CPU with an HF tokenizer — never blocks main's event loop.
// Main pages the documents out of the store and sends them in bounded batches; each batch
// is one host request, so a cancel takes effect within one batch. Not the in-process path
// (engine/data writeTokenCache), which the datasets service uses when it has no host.

import type { TokenCacheWriteResult } from '../engine/data/tokenCache';
import type { HostPayload, HostRequestType, HostResult } from '../host/protocol';
import type { RequestOptions } from '../host/client';

/** The slice of EngineHostManager this needs (tests pass a real one). */
export interface HostRequester {
  request<T extends HostRequestType>(
    type: T,
    payload: HostPayload<T>,
    options?: RequestOptions,
  ): Promise<HostResult<T>>;
}

export interface HostTokenCacheJob {
  readonly file: string;
  /** tokenCacheFingerprint(dataset hash, tokenizer fingerprint). */
  readonly fingerprint: string;
  /** "bytes" or an absolute model folder: the host loads the tokenizer itself. */
  readonly model: string;
  /** What main loaded from `model`; the host refuses if its own load differs. */
  readonly tokenizerFingerprint: string;
  readonly documents: AsyncIterable<string>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (documents: number) => void;
}

/** Documents per batch, and characters: about a second of HF tokenizing at most. */
const BATCH_DOCUMENTS = 1000;
const BATCH_CHARS = 256 * 1024;

export async function buildTokenCacheInHost(
  host: HostRequester,
  job: HostTokenCacheJob,
): Promise<TokenCacheWriteResult> {
  const options = { signal: job.signal };
  const { session } = await host.request(
    'data.tokenCache.open',
    { file: job.file, fingerprint: job.fingerprint, model: job.model, tokenizerFingerprint: job.tokenizerFingerprint },
    options,
  );
  try {
    let texts: string[] = [];
    let chars = 0;
    const send = async (): Promise<void> => {
      const done = await host.request('data.tokenCache.append', { session, texts }, options);
      texts = [];
      chars = 0;
      job.onProgress?.(done.documents);
    };
    for await (const text of job.documents) {
      job.signal?.throwIfAborted();
      texts.push(text);
      chars += text.length;
      if (texts.length >= BATCH_DOCUMENTS || chars >= BATCH_CHARS) await send();
    }
    if (texts.length > 0) await send();
    return await host.request('data.tokenCache.finish', { session }, options);
  } catch (error) {
    // No signal: the abort must reach the host even when the caller's signal fired.
    await host.request('data.tokenCache.abort', { session }).catch(() => undefined);
    throw error;
  }
}
