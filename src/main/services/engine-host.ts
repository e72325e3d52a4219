// Keeps one engine host process for the app: started on first use, started again after it
// dies, and stopped with the app. An unexpected exit becomes a 'system.hostExited' event so
// the UI can say what happened (exit code and the host's last stderr lines).

import { EngineHost, type RequestOptions } from '../host/client';
import type { HostPayload, HostRequestType, HostResult } from '../host/protocol';
import type { HostSpawner } from '../host/spawn';
import type { EventMap } from '../../shared/events';
import type { EventBus } from './events';

/** What a service needs of the engine host: typed requests (tests pass a wrapper that records them). */
export interface HostRequester {
  request<T extends HostRequestType>(
    type: T,
    payload: HostPayload<T>,
    options?: RequestOptions,
  ): Promise<HostResult<T>>;
}

export interface EngineHostManagerOptions {
  readonly events: EventBus;
  readonly spawn?: HostSpawner;
  readonly entry?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export class EngineHostManager implements HostRequester {
  private host: EngineHost | undefined;

  constructor(private readonly options: EngineHostManagerOptions) {}

  /** The running host, starting one if there is none. */
  async get(): Promise<EngineHost> {
    if (this.host && !this.host.hasExited) return this.host;
    const host = new EngineHost({ spawn: this.options.spawn, entry: this.options.entry, env: this.options.env });
    host.onExit((exit) => {
      if (exit.expected) return;
      this.options.events.emit('system.hostExited', {
        exitCode: exit.exitCode,
        signal: exit.signal,
        stderrTail: exit.stderrTail,
      });
    });
    // Host events main forwards to the app's event bus (the payloads are typed by HostEvents).
    host.onEvent((type, payload) => {
      if (type === 'export.progress') this.options.events.emit(type, payload as EventMap[typeof type]);
    });
    this.host = host;
    await host.ready;
    return host;
  }

  async request<T extends HostRequestType>(
    type: T,
    payload: HostPayload<T>,
    options?: RequestOptions,
  ): Promise<HostResult<T>> {
    const host = await this.get();
    return host.request(type, payload, options);
  }

  async stop(): Promise<void> {
    const host = this.host;
    this.host = undefined;
    if (host && !host.hasExited) await host.stop();
  }
}
