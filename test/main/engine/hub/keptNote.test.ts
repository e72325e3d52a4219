// What a failed pull's error says it left in the cache (src/main/engine/hub/keptNote.ts): the
// bytes and the delete command, "goes on from there" only for failures another pull may get
// past, and nothing added when nothing stays or the error is not the Hub's.

import { describe, expect, it } from 'vitest';
import type { HubCache } from '../../../../src/main/engine/hub/cache';
import { HubError } from '../../../../src/main/engine/hub/errors';
import { keptNote, withKeptNote } from '../../../../src/main/engine/hub/keptNote';

/** A cache holding `bytes` of an unfinished pull, whatever the repository. */
const holding = (bytes: number) => ({ unfinishedBytes: () => bytes }) as unknown as HubCache;

describe('keptNote', () => {
  it('says pulling again goes on from what arrived only when another pull may get past the failure', () => {
    expect(keptNote('o/m', 2048, true)).toBe(
      'What has arrived of o/m so far (2.0 KiB) is kept in the download cache: pulling it again goes on from ' +
        'there; `spanfill models cache rm o/m` deletes it.',
    );
    expect(keptNote('o/m', 2048, false)).toBe(
      'What was fetched of o/m (2.0 KiB) stays in the download cache; `spanfill models cache rm o/m` deletes it.',
    );
  });

  it('is added to a Hub failure that left bytes, by whether it resumes', () => {
    const dropped = withKeptNote(new HubError('network', 'The connection dropped.'), holding(2048), 'o/m', 'c');
    expect((dropped as HubError).code).toBe('network');
    expect((dropped as Error).message).toBe(`The connection dropped. ${keptNote('o/m', 2048, true)}`);
    const missing = withKeptNote(new HubError('not-found', 'No weights.'), holding(2048), 'o/m', 'c');
    expect((missing as Error).message).toBe(`No weights. ${keptNote('o/m', 2048, false)}`);
  });

  it('leaves an error alone when nothing stays, or when it is not a Hub failure', () => {
    const nothing = new HubError('network', 'The connection dropped.');
    expect(withKeptNote(nothing, holding(0), 'o/m', 'c')).toBe(nothing);
    const other = new Error('disk full');
    expect(withKeptNote(other, holding(2048), 'o/m', 'c')).toBe(other);
  });
});
