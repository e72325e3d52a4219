// Whether this page still reaches Spanfill (browser mode: the WebSocket to `spanfill serve`; the
// desktop app's IPC never drops), and since when not. Views that show live state and offer
// actions read it: once the connection is lost, what they show is as of that moment and any
// action would fail, so they say so and disable it (App.svelte shows the banner itself).

import { connection } from './api';
import type { ConnectionState } from './ws-bridge';

/** Why an action that needs the server waits, said on its disabled button. */
export const OFFLINE_REASON = 'Not connected to spanfill serve: reload the page once it runs again';

class ConnectionStatus {
  state: ConnectionState = $state('connecting');
  /** When the connection was lost: the last moment this page heard from the server. */
  lostAt: Date | undefined = $state();

  constructor() {
    connection.onStateChange((next) => {
      this.state = next;
      if (next === 'closed') this.lostAt ??= new Date();
    });
  }

  get isLost(): boolean {
    return this.state === 'closed';
  }
}

export const connectionStatus = new ConnectionStatus();
