// Numbers in words for the screens: metric values, times. Counts, byte sizes and durations,
// which the main process writes too, are in shared/format.ts.

/** A loss or rate with four significant digits; '–' when missing. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.abs(value) < 1e-3 && value !== 0 ? value.toExponential(2) : value.toPrecision(4);
}

/**
 * A chart axis's tick labels, short ("5e-4", "12k", "2.5"), with as many more digits as it takes
 * for no two to read the same: a learning rate falling from 1e-3 to 9.9e-4 read "1e-3" twice.
 * A null split (a log axis's unlabelled tick) gets no label.
 */
export function formatTicks(values: readonly (number | null)[]): string[] {
  const exponentBelow = hasSmallTicksOnly(values) ? 1 : 0.01;
  let labels: string[] = [];
  for (let extra = 0; extra <= 4; extra++) {
    labels = values.map((value) => (value === null ? '' : formatTick(value, extra, exponentBelow)));
    const shown = labels.filter((label) => label !== '');
    if (new Set(shown).size === shown.length) return labels;
  }
  return labels;
}

/**
 * The axis has a tick under 0.01 (written "5e-3") and none from 1 on: then all of its ticks are
 * written so, one notation an axis ("9e-3, 9.5e-3, 1e-2", not "9e-3, 9.5e-3, 0.01").
 */
function hasSmallTicksOnly(values: readonly (number | null)[]): boolean {
  const shown = values.filter((value): value is number => value !== null && value !== 0).map(Math.abs);
  return shown.some((abs) => abs < 0.01) && shown.every((abs) => abs < 1);
}

/**
 * 0.0005 → "5e-4", 12000 → "12k", with `extra` more significant digits than the fewest; in
 * exponent form under `exponentBelow`.
 */
function formatTick(value: number, extra: number, exponentBelow: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${+(value / 1e6).toPrecision(3 + extra)}M`;
  if (abs >= 1e4) return `${+(value / 1e3).toPrecision(3 + extra)}k`;
  if (abs < exponentBelow) return compactExponent(value.toExponential(extra));
  return String(+value.toPrecision(3 + extra));
}

/** "9.90e-4" → "9.9e-4", "1.00e-3" → "1e-3": no trailing zeros in the mantissa. */
function compactExponent(text: string): string {
  const [mantissa, exponent] = text.split('e');
  return `${+mantissa}e${exponent}`;
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
  const wall = localWallClock(when);
  const time = formatter(locale, 'time').format(wall);
  const days = Math.round((startOfDay(now) - startOfDay(when)) / 86_400_000);
  if (days === 0) return `today ${time}`;
  if (days === 1) return `yesterday ${time}`;
  const sameYear = when.getFullYear() === now.getFullYear();
  return `${formatter(locale, sameYear ? 'day' : 'dayOfYear').format(wall)}, ${time}`;
}

const WHEN_PARTS = {
  time: { hour: 'numeric', minute: '2-digit' },
  day: { day: 'numeric', month: 'short' },
  dayOfYear: { day: 'numeric', month: 'short', year: 'numeric' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The formatter of `parts` in `locale`, made once: toLocaleTimeString and toLocaleDateString
 * make one at each call (about 1 ms: the Runs table's 200 rows took 0.2 s to show their starts).
 * It formats in UTC what localWallClock shifted there, so it holds no time zone of its own: one
 * made in the zone of its day kept that zone after a change until the window was loaded again.
 */
function formatter(locale: string | undefined, parts: keyof typeof WHEN_PARTS): Intl.DateTimeFormat {
  const key = `${locale ?? ''} ${parts}`;
  let made = formatters.get(key);
  if (made === undefined) {
    made = new Intl.DateTimeFormat(locale, { ...WHEN_PARTS[parts], timeZone: 'UTC' });
    formatters.set(key, made);
  }
  return made;
}

/**
 * The instant whose UTC reading is `date`'s local reading in the time zone now: its offset is
 * read at each call (cheap, and Date follows a changed zone at once), where reading the zone's
 * name takes a new formatter (~0.1 ms) and a formatter keeps the zone it was made in.
 */
function localWallClock(date: Date): Date {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
}

/** Local midnight of `date`, in milliseconds (days between two dates survive a clock change). */
function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}
