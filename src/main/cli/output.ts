// Output helpers for CLI commands: one JSON result, aligned key/value text, local timestamps,
// control characters made visible in text output, and a progress bar that draws on a TTY
// stderr only (never into --json output or pipes).

export interface ProgressBar {
  update(done: number, total?: number | null): void;
  finish(): void;
}

export const silentProgress: ProgressBar = { update: () => undefined, finish: () => undefined };

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `text` with its C0 and C1 control characters and DEL written out (ESC as \x1b, CR as \r),
 * line breaks and tabs kept. Text output repeats what datasets, prompts, models and names
 * hold; printed raw, an escape sequence in it would move the cursor, clear the screen, retitle
 * the window or write the clipboard (OSC 52), and a CR would overwrite the line. The CLI's text
 * output and messages pass through this; --json output stays exact.
 */
export function visibleControls(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) =>
    character === '\r' ? '\\r' : `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/**
 * A loss on a progress line to `digits` decimals. NaN reaches the command as null (the engine
 * host's messages and the runs.progress event are JSON): "not a number", as a diverged run's is.
 */
export function lossText(loss: number | null, digits: number): string {
  return loss === null || !Number.isFinite(loss) ? 'not a number' : loss.toFixed(digits);
}

/** Align "key  value" pairs in two columns. */
export function formatPairs(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([key]) => key.length));
  return pairs.map(([key, value]) => `${key.padEnd(width)}  ${value}`).join('\n');
}

/** "2026-12-01 18:38": a moment in local time, to the minute, for lists and tables ('-' if unreadable). */
export function localTimestamp(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return '-';
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}`;
}

export function createProgressBar(stream: NodeJS.WriteStream, label: string, initialTotal: number | null): ProgressBar {
  let total = initialTotal;
  let lastDraw = 0;
  const startedAt = Date.now();
  const draw = (done: number, force: boolean): void => {
    const now = Date.now();
    if (!force && now - lastDraw < 100) return; // redraw at most 10 times a second
    lastDraw = now;
    const columns = stream.columns ?? 80;
    const elapsed = ((now - startedAt) / 1000).toFixed(1);
    if (total === null || total <= 0) {
      stream.write(`\r${label} ${done} (${elapsed}s)`.slice(0, columns - 1));
      return;
    }
    const fraction = Math.min(1, done / total);
    const barWidth = Math.max(10, Math.min(40, columns - label.length - 30));
    const filled = Math.round(fraction * barWidth);
    const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
    stream.write(`\r${label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total} ${elapsed}s`);
  };
  let lastDone = 0;
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      lastDone = done;
      draw(done, false);
    },
    finish() {
      draw(lastDone, true);
      stream.write('\n');
    },
  };
}
