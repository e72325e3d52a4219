// statusWriter (src/main/cli/run.ts): status lines on a non-terminal stderr are rate-limited,
// and a forced milestone line must not hold back the first progress line after it (it did:
// `spanfill runs resume` printed "resuming at step N", then nothing for 10 s).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { statusWriter } from '../../../src/main/cli/run';

function pipe() {
  const lines: string[] = [];
  return { lines, stream: { isTTY: false, columns: 80, write: (text: string) => lines.push(text) !== 0 } };
}

describe('statusWriter on a pipe', () => {
  afterEach(() => vi.useRealTimers());

  it('writes the first progress line right after a forced one, then at most one per interval', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const { lines, stream } = pipe();
    const status = statusWriter(stream as never);
    status('run r-1: resuming at step 5/100', { force: true });
    status('step 6/100');
    status('step 7/100');
    vi.advanceTimersByTime(9_999);
    status('step 8/100');
    vi.advanceTimersByTime(1);
    status('step 9/100');
    status('completed at step 100/100', { force: true });
    expect(lines).toEqual([
      'run r-1: resuming at step 5/100\n',
      'step 6/100\n',
      'step 9/100\n',
      'completed at step 100/100\n',
    ]);
  });
});
