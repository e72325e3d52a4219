// keptStderrLine: terminal colour codes go, blank and Dawn limit-note lines are dropped, and
// every other line is kept as written (a crash's cause must survive). StderrTail: the last N
// kept lines, of which an exit repeats those of its last RECENT_STDERR_MS.

import { describe, expect, it } from 'vitest';
import { keptStderrLine, RECENT_STDERR_MS, StderrTail } from '../../../src/main/host/stderr';

describe('keptStderrLine', () => {
  it('drops colour codes, blank lines and Dawn notes on clamped limits', () => {
    expect(keptStderrLine('\u001b[m')).toBeNull();
    expect(keptStderrLine('   ')).toBeNull();
    expect(
      keptStderrLine(
        'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.',
      ),
    ).toBeNull();
    expect(
      keptStderrLine(
        '\u001b[1;31m2026-12-01 09:27:11.5 [E:onnxruntime:onnxruntime-node, provider_bridge_ort.cc:2146 Create] /onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:1988 onnxruntime::Provider& onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library libonnxruntime_providers_shared.so with error: cannot open shared object file\u001b[m',
      ),
    ).toBeNull();
    expect(keptStderrLine('\u001b[1;31m2026-12-01 [E:onnxruntime] failed to allocate\u001b[m')).toBe(
      '2026-12-01 [E:onnxruntime] failed to allocate',
    );
  });

  it('keeps every other line, warnings that are not limit notes included', () => {
    for (const line of ['fatal: out of device memory', 'Warning: the GPU was lost', 'Segmentation fault (core dumped)'])
      expect(keptStderrLine(line)).toBe(line);
  });
});

describe('StderrTail', () => {
  it('keeps the last lines and repeats only those of the moments before an exit', () => {
    const tail = new StderrTail(3);
    const start = 1_000_000;
    tail.push(['[E:onnxruntime] Failed to load library libonnxruntime_providers_cuda.so'], start);
    expect(tail.recent(start + RECENT_STDERR_MS)).toEqual([
      '[E:onnxruntime] Failed to load library libonnxruntime_providers_cuda.so',
    ]);
    // An hour later: the start-up line does not explain the exit.
    const later = start + 3_600_000;
    expect(tail.recent(later)).toEqual([]);
    tail.push(['\u001b[m', 'a', 'b', 'c', 'd'], later);
    expect(tail.recent(later + 1)).toEqual(['b', 'c', 'd']);
  });
});
