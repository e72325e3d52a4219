// HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE read as Python's huggingface_hub reads them.

import { describe, expect, it } from 'vitest';
import { hubSettingsFromEnv, HubSettingsError } from '../../../../src/main/engine/hub/settings';

describe('hubSettingsFromEnv', () => {
  it('defaults to huggingface.co, anonymous, online', () => {
    expect(hubSettingsFromEnv({})).toEqual({ endpoint: 'https://huggingface.co', token: undefined, isOffline: false });
  });

  it('strips trailing slashes from HF_ENDPOINT and rejects what is not an http(s) URL', () => {
    expect(hubSettingsFromEnv({ HF_ENDPOINT: 'https://hf-mirror.com//' }).endpoint).toBe('https://hf-mirror.com');
    expect(hubSettingsFromEnv({ HF_ENDPOINT: 'http://127.0.0.1:8080/hub/' }).endpoint).toBe(
      'http://127.0.0.1:8080/hub',
    );
    expect(() => hubSettingsFromEnv({ HF_ENDPOINT: '' })).toThrow(HubSettingsError);
    expect(() => hubSettingsFromEnv({ HF_ENDPOINT: 'ftp://x' })).toThrow(/http:\/\/ or https:\/\//);
  });

  it('takes HF_TOKEN, then HUGGING_FACE_HUB_TOKEN, then the stored token; blank means none', () => {
    expect(hubSettingsFromEnv({ HF_TOKEN: ' hf_a\n', HUGGING_FACE_HUB_TOKEN: 'hf_b' }, 'hf_c').token).toBe('hf_a');
    expect(hubSettingsFromEnv({ HUGGING_FACE_HUB_TOKEN: 'hf_b' }, 'hf_c').token).toBe('hf_b');
    expect(hubSettingsFromEnv({ HF_TOKEN: '' }, 'hf_c').token).toBe('hf_c');
    expect(hubSettingsFromEnv({ HF_TOKEN: '  ' }).token).toBeUndefined();
  });

  it('names where the token came from, for a refusal to say which one the Hub refused', () => {
    expect(hubSettingsFromEnv({ HF_TOKEN: 'hf_a', HUGGING_FACE_HUB_TOKEN: 'hf_b' }, 'hf_c').tokenFrom).toBe('HF_TOKEN');
    expect(hubSettingsFromEnv({ HUGGING_FACE_HUB_TOKEN: 'hf_b' }, 'hf_c').tokenFrom).toBe('HUGGING_FACE_HUB_TOKEN');
    expect(hubSettingsFromEnv({ HF_TOKEN: ' ' }, 'hf_c').tokenFrom).toMatch(
      /^the token stored with `spanfill models token set`/,
    );
    expect(hubSettingsFromEnv({ HF_TOKEN: ' ' }).tokenFrom).toBeUndefined();
  });

  it('is offline for HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE in 1/on/yes/true, any case', () => {
    for (const value of ['1', 'ON', 'yes', 'True'])
      expect(hubSettingsFromEnv({ HF_HUB_OFFLINE: value }).isOffline).toBe(true);
    for (const value of ['0', 'off', '', 'y'])
      expect(hubSettingsFromEnv({ HF_HUB_OFFLINE: value }).isOffline).toBe(false);
    expect(hubSettingsFromEnv({ TRANSFORMERS_OFFLINE: '1' }).isOffline).toBe(true);
  });
});
