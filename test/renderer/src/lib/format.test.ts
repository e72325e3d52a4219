// Numbers in words on the Train and Runs screens.

import { describe, expect, it } from 'vitest';
import { formatEval, formatMetric, formatTicks, formatWhen } from '../../../../src/renderer/src/lib/format';

describe('format', () => {
  it('a loss with four significant digits, a tiny one in exponent form, a missing one as a dash', () => {
    expect(formatMetric(2.1031345480836796)).toBe('2.103');
    expect(formatMetric(0.000123)).toBe('1.23e-4');
    expect(formatMetric(null)).toBe('–');
    expect(formatMetric(Number.NaN)).toBe('–');
  });

  it('chart ticks: short labels, with more digits only where two would read the same', () => {
    expect(formatTicks([0, 0.0005, 2.5, 12_000, 3_400_000, null])).toEqual(['0', '5e-4', '2.5', '12k', '3.4M', '']);
    // A learning rate falling from 1e-3 by a hundredth: "1e-3" twice before.
    expect(formatTicks([0.00099, 0.000995, 0.001])).toEqual(['9.9e-4', '9.95e-4', '1e-3']);
    expect(formatTicks([2.001, 2.002, 2.003])).toEqual(['2.001', '2.002', '2.003']);
    expect(formatTicks([20_010, 20_020])).toEqual(['20.01k', '20.02k']);
  });

  it('writes one axis in one notation: a learning rate around 0.01 read "9e-3, 9.5e-3, 0.01"', () => {
    expect(formatTicks([0.009, 0.0095, 0.01])).toEqual(['9e-3', '9.5e-3', '1e-2']);
    expect(formatTicks([0, 0.005, 0.01, 0.015])).toEqual(['0', '5e-3', '1e-2', '1.5e-2']);
    // No tick under 0.01: decimals, as before.
    expect(formatTicks([0, 0.02, 0.04])).toEqual(['0', '0.02', '0.04']);
    // A loss from 0.005 to 2 spans both: each as it reads best.
    expect(formatTicks([0.005, 1, 2])).toEqual(['5e-3', '1', '2']);
  });

  it('token accuracy and exact spans as percentages with one decimal, zero included', () => {
    expect(formatEval('tokenAccuracy', 0.3852813852813853)).toBe('38.5 %');
    expect(formatEval('spanExactMatch', 0.02128)).toBe('2.1 %');
    expect(formatEval('spanExactMatch', 0)).toBe('0.0 %');
    expect(formatEval('spanExactMatch', undefined)).toBe('–');
    expect(formatEval('loss', 2.1031345480836796)).toBe('2.103');
  });
});

describe('formatWhen', () => {
  // Local times, so the expectations hold in any time zone.
  const now = new Date(2026, 11, 1, 20, 0);
  const iso = (...parts: [number, number, number, number, number]): string => new Date(...parts).toISOString();

  it('says today or yesterday with the time, else the date, with the year only when it differs', () => {
    expect(formatWhen(iso(2026, 11, 1, 18, 55), now, 'en-GB')).toBe('today 18:55');
    expect(formatWhen(iso(2026, 11, 1, 0, 5), now, 'en-GB')).toBe('today 0:05');
    expect(formatWhen(iso(2026, 10, 30, 23, 59), now, 'en-GB')).toBe('yesterday 23:59');
    expect(formatWhen(iso(2026, 10, 28, 14, 3), now, 'en-GB')).toBe('28 Nov, 14:03');
    expect(formatWhen(iso(2025, 10, 28, 14, 3), now, 'en-GB')).toBe('28 Nov 2025, 14:03');
  });

  it("follows the locale's order and clock, and shows a dash for a date it cannot read", () => {
    // (ICU versions differ in the space before PM: a plain or a narrow no-break one.)
    expect(formatWhen(iso(2026, 10, 28, 14, 3), now, 'en-US').replace(/\s/gu, ' ')).toBe('Nov 28, 2:03 PM');
    expect(formatWhen('not a date', now)).toBe('–');
  });

  it('makes its formatters once per locale (the Runs table formats a start in each of 200 rows)', () => {
    // (toLocaleTimeString and toLocaleDateString made a formatter at each call: about 1 ms each.)
    const Original = Intl.DateTimeFormat;
    let made = 0;
    const counting = function (...args: ConstructorParameters<typeof Original>) {
      made++;
      return new Original(...args);
    };
    Intl.DateTimeFormat = counting as unknown as typeof Intl.DateTimeFormat;
    try {
      const days = Array.from({ length: 30 }, (_, i) => iso(i % 3 === 0 ? 2025 : 2026, 10, 1 + i, 9, i));
      const said = days.map((day) => formatWhen(day, now, 'de-DE'));
      // The time, the day and month, and with the year: three, for 30 dates.
      expect(made).toBe(3);
      expect(said[1]).toBe(
        `${new Date(days[1]).toLocaleDateString('de-DE', { day: 'numeric', month: 'short' })}, ${new Date(days[1]).toLocaleTimeString('de-DE', { hour: 'numeric', minute: '2-digit' })}`,
      );
    } finally {
      Intl.DateTimeFormat = Original;
    }
  });

  it('follows a time zone changed after its formatters were made (no reload needed)', () => {
    // (Node applies a changed TZ to Date and Intl at once, as Chromium does a changed system zone.)
    const before = process.env.TZ;
    const evening = '2026-11-28T20:30:00Z';
    const later = new Date('2026-12-15T12:00:00Z');
    try {
      process.env.TZ = 'UTC';
      expect(formatWhen(evening, later, 'en-GB')).toBe('28 Nov, 20:30');
      expect(formatWhen(evening, new Date('2026-11-28T23:00:00Z'), 'en-GB')).toBe('today 20:30');
      process.env.TZ = 'Asia/Tokyo'; // UTC+9: the next morning there
      expect(formatWhen(evening, later, 'en-GB')).toBe('29 Nov, 5:30');
      expect(formatWhen(evening, new Date('2026-11-28T23:00:00Z'), 'en-GB')).toBe('today 5:30');
      process.env.TZ = 'America/New_York'; // UTC-5 in November: that afternoon
      expect(formatWhen(evening, new Date('2027-01-02T12:00:00Z'), 'en-GB')).toBe('28 Nov 2026, 15:30');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
