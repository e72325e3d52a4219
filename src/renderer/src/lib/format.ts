// Numbers in words for the screens: metric values, times. Counts, byte sizes and durations,
// which the main process writes too, are in shared/format.ts.

/** A loss or rate with four significant digits; '–' when missing. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) < 1e-3 && value !== 0 ? value.toExponential(2) : value.toPrecision(4);
}

/** The validation metrics that are shares (of target tokens, of masked spans), not losses. */
const SHARE_METRICS = new Set(['tokenAccuracy', 'spanExactMatch']);

/** A checkpoint's validation metric by its key: a share as "38.5 %", anything else as formatMetric. */
export function formatEval(key: string, value: number | null | undefined): string {
  if (!SHARE_METRICS.has(key) || value === null || value === undefined || !Number.isFinite(value))
    return formatMetric(value);
  return `${(value * 100).toFixed(1)} %`;
}

/**
 * When something happened, short and in local time: "today 18:55", "yesterday 9:12",
 * "28 Nov, 14:03", with the year when it is not `now`'s ("28 Nov 2025, 14:03"). `locale`
 * (default the system's) orders the day and month and picks a 12- or 24-hour clock ("Nov 28,
 * 2:03 PM" in en-US).
 */
export function formatWhen(iso: string, now = new Date(), locale?: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return '–';
  const time = when.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit' });
  const days = Math.round((startOfDay(now) - startOfDay(when)) / 86_400_000);
  if (days === 0) return `today ${time}`;
  if (days === 1) return `yesterday ${time}`;
  const sameYear = when.getFullYear() === now.getFullYear();
  const date = when.toLocaleDateString(locale, {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
  return `${date}, ${time}`;
}

/** Local midnight of `date`, in milliseconds (days between two dates survive a clock change). */
function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}
