// Main's handle on one engine host process: typed requests with cancellation and timeouts,
// events from the host, and an error report (exit code, signal, last stderr lines) when the
// host dies without being asked to. A hung host (stuck in a synchronous ORT call) can only
// be killed, so kill() is SIGKILL and fails every pending request.

import { ApiError } from '../../shared/errors';
import { withHostAllocatorTunables } from './allocator';
import { isFromHostMessage, type HostPayload, type HostRequestType, type HostResult } from './protocol';
import { defaultHostEntry, forkHost, type HostChild, type HostSpawner } from './spawn';
import { StderrTail } from './stderr';
import { STOPPING_SIGNALS } from '../stoppingSignals';

export interface HostExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Its last stderr lines from the moments before it exited (stderr.ts: StderrTail.recent). */
  readonly stderrTail: readonly string[];
  /** True when the exit was asked for (stop() or kill()). */
  readonly expected: boolean;
  readonly message: string;
}

export interface EngineHostOptions {
  readonly entry?: string;
  readonly spawn?: HostSpawner;
  readonly env?: NodeJS.ProcessEnv;
  /** How many stderr lines to keep for error reports. */
  readonly stderrLines?: number;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class EngineHost {
  private readonly child: HostChild;
  private readonly pending = new Map<number, Pending>();
  private readonly stderrTail: StderrTail;
  private readonly exitListeners = new Set<(exit: HostExit) => void>();
  private readonly eventListeners = new Set<(type: string, payload: unknown) => void>();
  private nextId = 1;
  private isExpectingExit = false;
  private exitInfo: HostExit | undefined;
  readonly ready: Promise<void>;

  constructor(options: EngineHostOptions = {}) {
    this.stderrTail = new StderrTail(options.stderrLines ?? 20);
    const spawn = options.spawn ?? forkHost;
    // The host trains: it gets glibc malloc settings that keep freed output buffers for reuse
    // (allocator.ts says why, with figures). Added here so every spawner passes them on.
    const env = withHostAllocatorTunables(options.env ?? process.env, process.platform);
    this.child = spawn({ entry: options.entry ?? defaultHostEntry(), env });
    this.captureStderr();
    let markReady: () => void = () => undefined;
    let failReady: (error: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    // Avoid an unhandled rejection when nobody awaits `ready` before the host dies.
    this.ready.catch(() => undefined);
    this.child.onMessage((message) => {
      if (!isFromHostMessage(message)) return;
      if (message.kind === 'ready') {
        markReady();
      } else if (message.kind === 'event') {
        for (const listener of this.eventListeners) listener(message.type, message.payload);
      } else if (message.ok) {
        this.settle(message.id, { result: message.result });
      } else {
        this.settle(message.id, { error: new ApiError(message.error.code, message.error.message) });
      }
    });
    this.child.onExit((exitCode, signal) => {
      const exit = this.describeExit(exitCode, signal);
      this.exitInfo = exit;
      failReady(exitError(exit));
      for (const id of [...this.pending.keys()]) this.settle(id, { error: exitError(exit) });
      for (const listener of this.exitListeners) listener(exit);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  request<T extends HostRequestType>(
    type: T,
    payload: HostPayload<T>,
    options: RequestOptions = {},
  ): Promise<HostResult<T>> {
    if (this.exitInfo) return Promise.reject(exitError(this.exitInfo));
    const id = this.nextId++;
    return new Promise<HostResult<T>>((resolve, reject) => {
      const cleanups: (() => void)[] = [];
      const finish = (fn: () => void): void => {
        for (const cleanup of cleanups) cleanup();
        fn();
      };
      this.pending.set(id, {
        resolve: (value) => finish(() => resolve(value as HostResult<T>)),
        reject: (error) => finish(() => reject(error)),
      });
      if (options.timeoutMs !== undefined) {
        const timer = setTimeout(() => {
          this.child.send({ kind: 'cancel', id });
          this.settle(id, {
            error: new ApiError('unavailable', `Engine host did not answer '${type}' within ${options.timeoutMs} ms`),
          });
        }, options.timeoutMs);
        cleanups.push(() => clearTimeout(timer));
      }
      if (options.signal) {
        const signal = options.signal;
        const onAbort = (): void => {
          this.child.send({ kind: 'cancel', id });
          this.settle(id, { error: new ApiError('cancelled', `'${type}' was cancelled`) });
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push(() => signal.removeEventListener('abort', onAbort));
      }
      this.child.send({ kind: 'request', id, type, payload });
    });
  }

  onEvent(listener: (type: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Called when the process ends, expected or not; check `expected` to tell them apart. */
  onExit(listener: (exit: HostExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Kill the host now (it may be stuck in native code) and fail everything pending. */
  kill(): Promise<HostExit> {
    return this.terminate();
  }

  /** Stop the host at the end of a session; same as kill for now, but marks the exit expected. */
  stop(): Promise<HostExit> {
    return this.terminate();
  }

  private terminate(): Promise<HostExit> {
    if (this.exitInfo) return Promise.resolve(this.exitInfo);
    this.isExpectingExit = true;
    const exited = new Promise<HostExit>((resolve) => this.onExit(resolve));
    this.child.kill();
    return exited;
  }

  private settle(id: number, outcome: { result: unknown } | { error: Error }): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if ('error' in outcome) pending.reject(outcome.error);
    else pending.resolve(outcome.result);
  }

  private captureStderr(): void {
    const stderr = this.child.stderr;
    if (!stderr) return;
    let partial = '';
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      this.stderrTail.push(lines);
    });
    stderr.on('end', () => {
      if (partial) this.stderrTail.push([partial]);
      partial = '';
    });
  }

  private describeExit(exitCode: number | null, signal: string | null): HostExit {
    const expected = this.isExpectingExit;
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    const tail = this.stderrTail.recent();
    const message = expected
      ? `The engine host was stopped on request`
      : `The engine host ${how}${tail.length > 0 ? `: ${tail.slice(-3).join(' | ')}` : ''}`;
    return { exitCode, signal, stderrTail: tail, expected, message };
  }
}

/** Signals the host ignores from its first line (entry.ts): they stop the command, not the host. */
const IGNORED_BY_HOST: ReadonlySet<string> = new Set(STOPPING_SIGNALS);

/**
 * The error of requests a host exit ends: 'cancelled' when the exit was asked for, or when one
 * of IGNORED_BY_HOST ended the host, which only one landing during node's own start-up can:
 * an interrupt, not a crash. Else 'unavailable'.
 */
function exitError(exit: HostExit): ApiError {
  const isInterrupt = exit.signal !== null && IGNORED_BY_HOST.has(exit.signal);
  return new ApiError(exit.expected || isInterrupt ? 'cancelled' : 'unavailable', exit.message);
}
