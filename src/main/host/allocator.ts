// glibc malloc settings for the engine host process (Linux only), merged into the env it is
// started with: tunables are read once at process start (glibc manual, "Memory Allocation
// Tunables"), so they must be in the host's environment, not set from inside it.
// Pure: takes an env and a platform, returns the env to spawn with.

/**
 * Why: a CPU training step returns the whole new training state (t5-small: ~726 MB of params
 * and AdamW moments in 4 MB buckets) and onnxruntime-node copies every output into a fresh
 * ArrayBuffer each run. By default glibc may hand freed buffers back to the OS (heap trim, and
 * mmap once its dynamic threshold grows), so later steps can page-fault that memory anew.
 * Measured (t5-small, B=8 128/29, 2 threads, 2-core machine, in-process, 9 steps each, four
 * alternating pairs): the median of the last six steps fell in three pairs of four (2256 →
 * 1998, 1994 → 1685, 2040 → 1730 ms; 2279 → 2454 in the other), and the slowest step of a
 * run from 2.3–3.1 s to 1.8–2.5 s; the first steps fault alike either way (~530k, ~130–180k
 * pages), so most of the gain is fewer stalls later. Peak RSS unchanged (~2.6–2.7 GB).
 *
 * NOTE: an output over the mmap threshold still gets fresh pages every step (t5-small's 66 MB
 * embedding, its parameter and both moments: ~48k page faults a step). glibc.malloc.mmap_max=0
 * took those away and was faster at the same peak RSS (`spanfill bench train`, 2 threads,
 * 2026-12-01: B=8 128/29, four alternating pairs of 6 steps, 2,235 against 2,357 ms/step on
 * average and the slowest steps 2,116–2,568 against 2,303–3,031 ms; 512/114, 8,283 against
 * 8,955–10,522 ms), but it is not set: the host lives as long as the app, and without mmap every
 * large block it ever frees (onnxruntime's arena regions after a run, a big file's buffer) would
 * stay in its resident memory. Cutting the embedding's state into bucket-sized segments instead
 * (a Concat for the view, a Split of its gradient) gained as much at 128/29 (and 160 MB less
 * peak RSS) but raised the 512/114 peak from ~4.7 to ~5.8 GB, so neither landed.
 */
export const HOST_MALLOC_TUNABLES: Readonly<Record<string, string>> = {
  'glibc.malloc.trim_threshold': '4294967295',
  // NOTE: 32 MB is glibc's largest mmap threshold on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX); a larger value is ignored.
  'glibc.malloc.mmap_threshold': '33554432',
};

/**
 * The older environment variables glibc also reads for the same tunables (mallopt(3)).
 * NOTE: glibc 2.36 lets GLIBC_TUNABLES override them whatever their order, so adding ours
 * next to a person's MALLOC_TRIM_THRESHOLD_ would silently replace theirs.
 */
const LEGACY_ALIASES: Readonly<Record<string, string>> = {
  'glibc.malloc.trim_threshold': 'MALLOC_TRIM_THRESHOLD_',
  'glibc.malloc.mmap_threshold': 'MALLOC_MMAP_THRESHOLD_',
};

/**
 * `env` with HOST_MALLOC_TUNABLES added to GLIBC_TUNABLES on Linux. What the person already
 * set is kept as it was, and a tunable they set (in GLIBC_TUNABLES or through its legacy
 * MALLOC_*_ variable) keeps their value. Other platforms get `env` back unchanged.
 */
export function withHostAllocatorTunables(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv {
  if (platform !== 'linux') return env;
  const existing = env.GLIBC_TUNABLES ?? '';
  // GLIBC_TUNABLES is `name=value` pairs joined by ':'.
  const setKeys = new Set(existing.split(':').map((entry) => entry.split('=')[0]));
  const added = Object.entries(HOST_MALLOC_TUNABLES)
    .filter(([key]) => !setKeys.has(key) && env[LEGACY_ALIASES[key]] === undefined)
    .map(([key, value]) => `${key}=${value}`);
  if (added.length === 0) return env;
  return { ...env, GLIBC_TUNABLES: [...(existing === '' ? [] : [existing]), ...added].join(':') };
}
