// The engine host's glibc malloc tunables: merged into GLIBC_TUNABLES on Linux, keeping what
// the person set (their value of either tunable wins, also through its legacy MALLOC_*_
// variable), nothing changed elsewhere. The values are the ones the lead measured (issue 11).
import { describe, expect, it } from 'vitest';
import { withHostAllocatorTunables } from '../../../src/main/host/allocator';

const TRIM = 'glibc.malloc.trim_threshold';
const MMAP = 'glibc.malloc.mmap_threshold';
/** Keep freed memory (2^32 − 1 bytes before trimming); buckets up to 32 MiB from the heap. */
const OURS = { [TRIM]: String(2 ** 32 - 1), [MMAP]: String(32 * 1024 * 1024) };

/** GLIBC_TUNABLES as name → value, in order. */
function tunables(env: NodeJS.ProcessEnv): [string, string][] {
  return (env.GLIBC_TUNABLES ?? '').split(':').map((entry) => {
    const [name, value] = entry.split('=');
    return [name, value];
  });
}

describe('withHostAllocatorTunables', () => {
  it('adds both tunables on Linux and keeps every other variable', () => {
    const env = { PATH: '/usr/bin', HOME: '/home/someone' };
    const result = withHostAllocatorTunables(env, 'linux');
    expect(Object.fromEntries(tunables(result))).toEqual(OURS);
    expect({ ...result, GLIBC_TUNABLES: undefined }).toEqual({ ...env, GLIBC_TUNABLES: undefined });
    expect(env).not.toHaveProperty('GLIBC_TUNABLES'); // the input is not modified
  });

  it('keeps the tunables the person set, in front, and appends ours', () => {
    const theirs = 'glibc.malloc.arena_max=2:glibc.cpu.hwcaps=-AVX512F';
    const result = withHostAllocatorTunables({ GLIBC_TUNABLES: theirs }, 'linux');
    expect(result.GLIBC_TUNABLES?.startsWith(`${theirs}:`)).toBe(true);
    expect(tunables(result)).toEqual([
      ['glibc.malloc.arena_max', '2'],
      ['glibc.cpu.hwcaps', '-AVX512F'],
      [TRIM, OURS[TRIM]],
      [MMAP, OURS[MMAP]],
    ]);
  });

  it("keeps the person's own value of a tunable we would set", () => {
    const theirs = `${MMAP}=65536`;
    const result = withHostAllocatorTunables({ GLIBC_TUNABLES: theirs }, 'linux');
    expect(tunables(result)).toEqual([
      [MMAP, '65536'],
      [TRIM, OURS[TRIM]],
    ]);
  });

  it('changes nothing when the person set both', () => {
    const env = { GLIBC_TUNABLES: `${TRIM}=0:${MMAP}=131072` };
    expect(withHostAllocatorTunables(env, 'linux')).toBe(env);
  });

  it('does not override a legacy MALLOC_TRIM_THRESHOLD_ / MALLOC_MMAP_THRESHOLD_ (GLIBC_TUNABLES would win over it)', () => {
    const trimOnly = withHostAllocatorTunables({ MALLOC_TRIM_THRESHOLD_: '1000' }, 'linux');
    expect(tunables(trimOnly)).toEqual([[MMAP, OURS[MMAP]]]);
    expect(trimOnly.MALLOC_TRIM_THRESHOLD_).toBe('1000');
    const both = { MALLOC_TRIM_THRESHOLD_: '1000', MALLOC_MMAP_THRESHOLD_: '4096' };
    expect(withHostAllocatorTunables(both, 'linux')).toBe(both);
  });

  it.each(['darwin', 'win32', 'freebsd'] as const)('returns the env unchanged on %s', (platform) => {
    const env = { PATH: '/usr/bin', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' };
    expect(withHostAllocatorTunables(env, platform)).toBe(env);
    expect(withHostAllocatorTunables({}, platform)).toEqual({});
  });
});
