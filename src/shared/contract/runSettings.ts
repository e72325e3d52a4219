// A run's configuration as a list of settings: nested values (the optimizer) as dotted keys
// ("optimizer.kind"), sorted, each value in words. The runs service compares runs by these keys
// (runsCompare.ts); the run view lists them and the comparison shows the values that differ.

/** Every leaf of `value` under its dotted key, sorted by key. */
export function settingEntries(value: object): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (inner: unknown, prefix: string): void => {
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      for (const [key, child] of Object.entries(inner)) walk(child, prefix ? `${prefix}.${key}` : key);
    } else out.push([prefix, inner]);
  };
  walk(value, '');
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What a setting left empty (null) means, where it means more than "not set" (runConfigSchema). */
const EMPTY_MEANS: Readonly<Record<string, string>> = {
  clipNorm: '(off)',
  dropout: "(the model's)",
};

/** What 0 means for a setting where it is not a count (runConfigSchema). */
const ZERO_MEANS: Readonly<Record<string, string>> = {
  threads: '0 (one per core)',
  evalEvery: '0 (at the end only)',
  checkpointEvery: '0 (at the end only)',
};

/** Settings whose whole numbers are names, not amounts: written without thousands separators. */
const isSeed = (key: string): boolean => /seed$/i.test(key);

/**
 * A setting's value in words: for none, what none means for `key` (else "(not set)"); for 0,
 * what 0 means for `key` where that is not "none"; JSON for a list or object; a whole number
 * from 1,000 on with thousands separators as the screens write counts ("2,000 steps"), except a
 * seed; else the value as it is.
 */
export function formatSetting(value: unknown, key = ''): string {
  if (value === undefined || value === null) return EMPTY_MEANS[key] ?? '(not set)';
  if (value === 0 && Object.hasOwn(ZERO_MEANS, key)) return ZERO_MEANS[key];
  if (Number.isSafeInteger(value) && !isSeed(key)) return (value as number).toLocaleString('en');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
