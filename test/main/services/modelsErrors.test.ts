// The engine's Hub, folder and settings errors in the contract's codes
// (src/main/services/modelsErrors.ts), each keeping its message: directly, and as the models
// service's pull answers them from the local stand-in Hub.

import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import { RepoIdError } from '../../../src/main/engine/hub/catalog';
import { HubError } from '../../../src/main/engine/hub/errors';
import { HubSettingsError } from '../../../src/main/engine/hub/settings';
import { T5ConfigError } from '../../../src/main/engine/t5/config';
import { checkModelWork, toModelApiError } from '../../../src/main/services/modelsErrors';
import { modelsTestKit, REPO, rejection } from './models-support';

const { setup } = modelsTestKit();

describe('toModelApiError', () => {
  it('says whose to fix a Hub failure is: a missing thing, the person (token, files), or the remote', () => {
    const cases = [
      [new HubError('not-found', 'no such repo'), 'not_found'],
      [new HubError('unauthorized', 'HTTP 401'), 'invalid_input'],
      [new HubError('network', 'unreachable'), 'remote_failed'],
      [new HubError('checksum', 'sha256 differs'), 'remote_failed'],
      [new HubError('missing-files', 'no config.json'), 'invalid_input'],
    ] as const;
    for (const [error, code] of cases) expect(toModelApiError(error)).toEqual(new ApiError(code, error.message));
  });

  it("takes a folder the loaders refuse as bad input, with the loader's words", () => {
    expect(toModelApiError(new T5ConfigError('config.json has no d_model'))).toEqual(
      new ApiError('invalid_input', 'config.json has no d_model'),
    );
  });

  it('takes a bad repository id or Hub setting as a bad argument, an abort as cancelled, and passes the rest', () => {
    expect(toModelApiError(new RepoIdError('Invalid Hugging Face repository id'))).toEqual(
      new ApiError('invalid_argument', 'Invalid Hugging Face repository id'),
    );
    expect(toModelApiError(new HubSettingsError('HF_ENDPOINT is not a URL'))).toEqual(
      new ApiError('invalid_argument', 'HF_ENDPOINT is not a URL'),
    );
    expect(toModelApiError(new DOMException('stop', 'AbortError'))).toEqual(new ApiError('cancelled', 'Cancelled'));
    const other = new TypeError('a bug');
    expect(toModelApiError(other)).toBe(other);
  });

  it('checkModelWork returns what the work returns and throws what it throws in the contract codes', () => {
    expect(checkModelWork(() => 42)).toBe(42);
    expect(() =>
      checkModelWork(() => {
        throw new HubError('network', 'unreachable');
      }),
    ).toThrow(new ApiError('remote_failed', 'unreachable'));
  });
});

describe('ModelService.pull errors', () => {
  it('maps Hub answers and bad ids to the contract codes with their messages', async () => {
    const { service } = await setup({ token: 'hf_secret' });
    const refused = await rejection(service.pull({ repoId: REPO }));
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).toContain('HTTP 401');
    const bad = await rejection(service.pull({ repoId: 'a b/c' }));
    expect(bad.code).toBe('invalid_argument');
    expect(bad.message).toContain('Invalid Hugging Face repository id');
    service.setToken('hf_secret');
    expect(service.tokenStatus().source).toBe('stored');
    expect((await service.pull({ repoId: REPO })).model.name).toBe(REPO);
  });
});
