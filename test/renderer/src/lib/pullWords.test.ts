// The Models screen's words around a download (pullWords.ts): the Hub's messages, written for
// `spanfill models pull`, say to press Download, the button the screen has.
import { describe, expect, it } from 'vitest';
import { HubError, toHubError } from '../../../../src/main/engine/hub/errors';
import { onModelsScreen, outcomeAfterEdit, repoIdWaitsFor } from '../../../../src/renderer/src/lib/pullWords';

describe('the Hub panel words', () => {
  it('says to press Download again where the CLI says to pull again', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND huggingface.co'), { code: 'ENOTFOUND' });
    const offline = toHubError(new TypeError('fetch failed', { cause }), 'repository a/b@main', {
      endpoint: 'https://huggingface.co',
    }) as HubError;
    const said = onModelsScreen(offline.message);
    expect(said).toMatch(/and HF_ENDPOINT, then press Download again\.$/);
    expect(said).not.toContain('pull');
    // Another process's pull of the same repository (pullLock.ts) in the same words.
    expect(onModelsScreen('a/b is being pulled already (pid 7); wait for it to finish, then pull again: what…')).toBe(
      'a/b is being pulled already (pid 7); wait for it to finish, then press Download again: what…',
    );
  });

  it('says why Download waits while the Repository id box is empty, and only then', () => {
    for (const empty of ['', '   '])
      expect(repoIdWaitsFor(empty)).toMatch(/^Type a repository id \(owner\/name, e\.g\. /);
    expect(repoIdWaitsFor('google/flan-t5-small')).toBeUndefined();
  });

  it('lets a failed download go once its boxes are edited, not one that went well', () => {
    expect(outcomeAfterEdit({ isError: true, text: 'Cannot download repository onlyname@main …' })).toBeUndefined();
    const went = { isError: false, text: 'Downloaded t5-small: 240 MB in 1 min.' };
    expect(outcomeAfterEdit(went)).toBe(went);
    expect(outcomeAfterEdit(undefined)).toBeUndefined();
  });
});
