// The renderer's one API object. At start-up it picks the transport: the preload's bridge
// in Electron (window.api), else the WebSocket to `spanfill serve` with the token from the
// page URL. The token is then removed from the address bar (it stays in sessionStorage).

import type { Api } from '../../../shared/contract';
import { createApi, type Bridge } from '../../../shared/transport';
import { createWsBridge, type ConnectionState } from './ws-bridge';

export type Mode = 'electron' | 'browser';

interface Connection {
  readonly api: Api;
  readonly bridge: Bridge;
  readonly mode: Mode;
  /** Browser mode: the session token (uploads send it like the WebSocket does); '' in Electron. */
  readonly token: string;
  onStateChange(listener: (state: ConnectionState) => void): void;
}

function takeToken(): string {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('spanfill.token', fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.href);
    return fromUrl;
  }
  return sessionStorage.getItem('spanfill.token') ?? '';
}

function connect(): Connection {
  if (window.api) {
    const bridge = window.api;
    return {
      api: createApi(bridge),
      bridge,
      mode: 'electron',
      token: '',
      onStateChange: (listener) => listener('open'),
    };
  }
  const token = takeToken();
  const bridge = createWsBridge(token);
  return { api: createApi(bridge), bridge, mode: 'browser', token, onStateChange: bridge.onStateChange };
}

export const connection = connect();
export const api = connection.api;
