// What of the engine host's stderr is kept for failure messages (HostExit.stderrTail, the run's
// error, the app's "engine host exited" banner): each line without terminal colour codes, and
// without lines that never explain an exit. onnxruntime's log lines end in a colour reset
// ("\x1b[m"), which the app showed as a stray box; Dawn notes each WebGPU device's clamped
// limits ("Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000
// to 16 …", on lavapipe for every device), and onnxruntime says it could not load the CUDA
// provider's library each time providers are probed on a machine without CUDA (the probe reports
// that itself, in `spanfill system`): both crowded out the cause.

// NOTE: the escape character itself is what is matched, hence the control character.
// eslint-disable-next-line no-control-regex
const TERMINAL_CODES = /\x1b\[[0-9;?]*[A-Za-z]/g;
const DAWN_LIMIT_NOTE = /^Warning: \w+ artificially reduced from \d+ to \d+/;
/** onnxruntime failing to load an execution provider's library: what probing CUDA says on every machine without it. */
const PROVIDER_LOAD_FAILURE = /provider_bridge_ort\.cc.*Failed to load library/;

/** `raw` as a stderr tail keeps it, or null when nothing worth keeping is left. */
export function keptStderrLine(raw: string): string | null {
  const line = raw.replace(TERMINAL_CODES, '').trim();
  return line === '' || DAWN_LIMIT_NOTE.test(line) || PROVIDER_LOAD_FAILURE.test(line) ? null : line;
}

/**
 * How far back before an exit its message looks. A crash writes its cause just before it dies;
 * what the host wrote long before (onnxruntime's errors from probing CUDA at start-up on every
 * machine without it, say) does not explain a SIGKILL an hour later.
 */
export const RECENT_STDERR_MS = 10_000;

/** The last `limit` kept lines of the host's stderr, each with when it came. */
export class StderrTail {
  private readonly lines: { readonly text: string; readonly at: number }[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs = RECENT_STDERR_MS,
  ) {}

  push(raw: readonly string[], now = Date.now()): void {
    for (const line of raw) {
      const text = keptStderrLine(line);
      if (text !== null) this.lines.push({ text, at: now });
    }
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  /** The lines that came within the window before `now`, oldest first. */
  recent(now = Date.now()): string[] {
    return this.lines.filter((line) => now - line.at <= this.windowMs).map((line) => line.text);
  }
}
