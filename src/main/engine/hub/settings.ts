// Where the Hugging Face Hub is and who we are to it, read from the environment the way
// Python's huggingface_hub reads it (src/huggingface_hub/constants.py and utils/_auth.py):
// HF_ENDPOINT (trailing slashes stripped), HF_TOKEN or HUGGING_FACE_HUB_TOKEN, and
// HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE ("1", "ON", "YES", "TRUE", any case).

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export interface HubSettings {
  /** Base URL without a trailing slash, e.g. https://huggingface.co. */
  readonly endpoint: string;
  /** An access token for gated or private repositories; undefined for anonymous access. */
  readonly token: string | undefined;
  /** Where `token` came from, as a refusal names it ("HF_TOKEN"); undefined when it is not known. */
  readonly tokenFrom?: string;
  /** Never touch the network: use what the cache holds. */
  readonly isOffline: boolean;
}

export class HubSettingsError extends Error {
  override name = 'HubSettingsError';
}

const TRUE_VALUES = new Set(['1', 'ON', 'YES', 'TRUE']);

function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.toUpperCase());
}

/** Python's `_clean_token`: line breaks removed, surrounding space trimmed, empty means none. */
export function cleanToken(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const token = raw.replace(/[\r\n]/g, '').trim();
  return token === '' ? undefined : token;
}

/**
 * HF_ENDPOINT as huggingface_hub takes it: `os.getenv("HF_ENDPOINT", default).rstrip("/")`.
 * NOTE: Python keeps an empty value (and then fails on every URL); we say so instead.
 */
export function hubEndpointFromEnv(env: NodeJS.ProcessEnv): string {
  const raw = env.HF_ENDPOINT;
  if (raw === undefined) return DEFAULT_HUB_ENDPOINT;
  const endpoint = raw.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new HubSettingsError(
      `HF_ENDPOINT ${JSON.stringify(raw)} is not a URL; set it to a Hub address such as ${DEFAULT_HUB_ENDPOINT}, or unset it`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new HubSettingsError(`HF_ENDPOINT ${JSON.stringify(raw)} must be an http:// or https:// address`);
  return endpoint;
}

/**
 * The settings from the environment; `storedToken` (the app's saved token) is used when
 * neither HF_TOKEN nor HUGGING_FACE_HUB_TOKEN is set, as huggingface_hub falls back to its token file.
 */
export function hubSettingsFromEnv(env: NodeJS.ProcessEnv, storedToken?: string): HubSettings {
  const fromEnv = env.HF_TOKEN ? 'HF_TOKEN' : env.HUGGING_FACE_HUB_TOKEN ? 'HUGGING_FACE_HUB_TOKEN' : undefined;
  const envToken = cleanToken(fromEnv && env[fromEnv]);
  const token = envToken ?? cleanToken(storedToken);
  return {
    endpoint: hubEndpointFromEnv(env),
    token,
    tokenFrom: envToken ? fromEnv : token ? STORED_TOKEN : undefined,
    isOffline: isTrue(env.HF_HUB_OFFLINE || env.TRANSFORMERS_OFFLINE),
  };
}

/** The stored token, as a refusal names it. */
const STORED_TOKEN = 'the token stored with `spanfill models token set` (or on the Models screen)';
