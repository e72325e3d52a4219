// An engine host whose trainer the test drives, for the instants a stop can reach a run
// (runsControl.stopInstants.test.ts): a real host (host/spawn.ts forkHost) answers everything
// but training (token caches, probes), while 'train.run' and 'train.stop' are answered here as
// the real ones do (host/handlers/train.ts, engine/train/trainer.ts): once prepared the trainer
// says 'started' and its first call is under way at once; after each call it says 'progress'
// and goes on to the next one unless a stop has reached it by then. A stop that reaches it before
// 'started' ends it before its first call. Nothing here waits on a clock: each move is the
// test's, and `settled` lets main answer what it just heard (its answers take only microtasks
// here, as nothing crosses a process).
import type { TrainerEvent } from '../../../src/main/engine/train/progress';
import { readTrainerState } from '../../../src/main/engine/train/checkpoint';
import type { TrainRunPayload } from '../../../src/main/host/handlers/train';
import type { ToHostMessage } from '../../../src/main/host/protocol';
import { forkHost, type HostSpawner } from '../../../src/main/host/spawn';

interface ScriptedRun {
  readonly request: number;
  readonly payload: TrainRunPayload;
  step: number;
  /** A call is under way (it ends, and is reported, at the next endCall). */
  isInCall: boolean;
}

/** Resolves once main has handled all it was told so far (and sent what it answers). */
export function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class ScriptedTrainer {
  /** What main asked of the trainer, in order: 'train.run <runId>' and 'train.stop <runId>'. */
  readonly asked: string[] = [];
  private run: ScriptedRun | undefined;
  private isStopAsked = false;
  private deliver: (message: unknown) => void = () => undefined;
  private onRun: (() => void) | undefined;

  /** Pass as AppOptions.hostSpawner. */
  readonly spawn: HostSpawner = (options) => {
    const real = forkHost(options);
    const listeners: ((message: unknown) => void)[] = [];
    real.onMessage((message) => {
      for (const listener of listeners) listener(message);
    });
    this.deliver = (message) => {
      for (const listener of listeners) listener(message);
    };
    return {
      pid: real.pid,
      stderr: real.stderr,
      send: (message) => {
        if (!this.answers(message)) real.send(message);
      },
      onMessage: (listener) => listeners.push(listener),
      onExit: (listener) => real.onExit(listener),
      kill: () => real.kill(),
    };
  };

  /** Resolves once main has asked the host to train (at once if it has and the run is not over). */
  launched(): Promise<void> {
    if (this.run) return Promise.resolve();
    return new Promise((resolve) => {
      this.onRun = resolve;
    });
  }

  /** Whether a 'train.stop' has reached the trainer of the run now training. */
  get isStopping(): boolean {
    return this.isStopAsked;
  }

  /** Its trainer is prepared: 'started' (`as` runs just before main hears it); its first call begins unless stopped. */
  started(as?: () => void): void {
    const run = this.current();
    as?.();
    this.emit(run, {
      kind: 'started',
      step: run.step,
      maxSteps: run.payload.settings.maxSteps,
      provider: 'cpu',
      message: '',
    });
    run.isInCall = !this.isStopAsked;
  }

  /**
   * The call under way ends: main hears its 'progress' (`as` runs just before), and the next one
   * begins unless a stop has reached the trainer by then or it has trained every step.
   */
  async endCall(as?: () => void): Promise<void> {
    await settled();
    const run = this.current();
    if (!run.isInCall) throw new Error('No call is under way');
    const { maxSteps, stepsPerCall = 1 } = run.payload.settings;
    run.step += stepsPerCall;
    as?.();
    this.emit(run, progressAt(run.step, maxSteps));
    run.isInCall = !this.isStopAsked && run.step < maxSteps;
  }

  /** Its calls end, then its answer: completed at its last step, else stopped where it is. The steps it trained. */
  async trainToEnd(): Promise<number> {
    const from = this.current().step;
    while (this.current().isInCall) await this.endCall();
    await settled();
    const run = this.current();
    this.run = undefined;
    this.isStopAsked = false;
    const status = run.step >= run.payload.settings.maxSteps ? 'completed' : 'stopped';
    this.deliver({ kind: 'response', id: run.request, ok: true, result: { status, step: run.step } });
    return run.step - from;
  }

  /** A run a failed test left training: answered stopped where it is, so that the services close. */
  abandon(): void {
    const run = this.run;
    this.run = undefined;
    if (run)
      this.deliver({ kind: 'response', id: run.request, ok: true, result: { status: 'stopped', step: run.step } });
  }

  private current(): ScriptedRun {
    if (!this.run) throw new Error('The host was not asked to train');
    return this.run;
  }

  private emit(run: ScriptedRun, event: TrainerEvent): void {
    this.deliver({ kind: 'event', type: 'train.event', payload: { runId: run.payload.runId, event } });
  }

  /** Answers a training request as the host would; false for any other (the real host's). */
  private answers(message: ToHostMessage): boolean {
    if (message.kind !== 'request') return false;
    if (message.type === 'train.run') {
      const payload = message.payload as TrainRunPayload;
      this.asked.push(`train.run ${payload.runId}`);
      const step = payload.resumeFrom === undefined ? 0 : readTrainerState(payload.resumeFrom).step;
      this.run = { request: message.id, payload, step, isInCall: false };
      this.isStopAsked = false;
      this.onRun?.();
      this.onRun = undefined;
      return true;
    }
    if (message.type !== 'train.stop') return false;
    const { runId } = message.payload as { runId: string };
    this.asked.push(`train.stop ${runId}`);
    const stopping = this.run?.payload.runId === runId;
    if (stopping) this.isStopAsked = true;
    queueMicrotask(() => this.deliver({ kind: 'response', id: message.id, ok: true, result: { stopping } }));
    return true;
  }
}

function progressAt(step: number, maxSteps: number): TrainerEvent {
  return {
    kind: 'progress',
    step,
    maxSteps,
    epoch: 0,
    losses: [1],
    gradNorm: 1,
    learningRate: 1e-3,
    tokensPerSecond: 1,
    elapsedMs: step,
    etaMs: null,
  };
}
