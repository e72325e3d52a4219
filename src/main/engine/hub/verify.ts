// Checking a downloaded file against the Hub's metadata. The Hub's ETag is the file's
// identity: for LFS files (X-Linked-Etag) the sha256 of the content, for files kept in git
// the git blob id, sha1("blob <size>\0" + content) (the Git book, "Git Objects"). Python's
// huggingface_hub names its cache blobs by the same value.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type ExpectedDigest =
  | { readonly kind: 'sha256'; readonly hex: string }
  | { readonly kind: 'git-sha1'; readonly hex: string }
  | { readonly kind: 'none'; readonly etag: string };

/** What an ETag promises about the content: `"abc…"` and `W/"abc…"` are both accepted. */
export function expectedDigest(etag: string): ExpectedDigest {
  const value = etag.replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(value)) return { kind: 'sha256', hex: value };
  if (/^[0-9a-f]{40}$/.test(value)) return { kind: 'git-sha1', hex: value };
  return { kind: 'none', etag };
}

/** The digest of `file` in the form `expected` asks for (streamed: weights can be gigabytes). */
export async function digestFile(file: string, expected: ExpectedDigest, size: number): Promise<string | null> {
  if (expected.kind === 'none') return null;
  const hash = createHash(expected.kind === 'sha256' ? 'sha256' : 'sha1');
  if (expected.kind === 'git-sha1') hash.update(`blob ${size}\0`);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
