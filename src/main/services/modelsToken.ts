// The Hugging Face token and Hub settings the models service pulls with: HF_TOKEN (or
// HUGGING_FACE_HUB_TOKEN) from the environment first, then the one stored (hub-token.ts: a 0600
// file in the data directory, or the desktop app's keychain-encrypted one); HF_ENDPOINT and
// HF_HUB_OFFLINE from the environment. A token to store is checked for its form first.

import type { HubTokenStatus } from '../../shared/contract/models';
import { ApiError } from '../../shared/errors';
import { cleanToken, hubSettingsFromEnv, type HubSettings } from '../engine/hub/settings';
import type { HubTokenStore } from './hub-token';
import { checkModelWork } from './modelsErrors';

export class HubTokens {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly store: HubTokenStore,
  ) {}

  status(): HubTokenStatus {
    const settings = this.settings();
    const isFromEnv = cleanToken(this.env.HF_TOKEN || this.env.HUGGING_FACE_HUB_TOKEN) !== undefined;
    const source = isFromEnv ? 'env' : settings.token !== undefined ? 'stored' : 'none';
    return { source, endpoint: settings.endpoint, isOffline: settings.isOffline };
  }

  /** Stores `token`, or forgets the stored one for null; an empty or malformed token is refused. */
  set(token: string | null): HubTokenStatus {
    if (token === null) {
      this.store.clear();
      return this.status();
    }
    const cleaned = cleanToken(token);
    if (cleaned === undefined)
      throw new ApiError(
        'invalid_argument',
        'The token is empty; to forget the stored token, clear it (`spanfill models token clear`)',
      );
    if (!cleaned.startsWith('hf_'))
      throw new ApiError('invalid_argument', 'Hugging Face tokens start with hf_ (huggingface.co/settings/tokens)');
    if (/\s/.test(cleaned)) throw new ApiError('invalid_argument', 'A Hugging Face token has no spaces; copy it again');
    this.store.write(cleaned);
    return this.status();
  }

  /** The Hub settings from the environment and the stored token; offline too when `isOffline`. */
  settings(isOffline?: boolean): HubSettings {
    const settings = checkModelWork(() => hubSettingsFromEnv(this.env, this.store.read()));
    return isOffline === undefined ? settings : { ...settings, isOffline: settings.isOffline || isOffline };
  }
}
