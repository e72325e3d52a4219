// Where a chart axis that starts at 0 puts its ticks: 0 and two or three equal steps of 1, 2,
// 2.5 or 5 times a power of ten, the last at or over the largest value plus 5 %, so that a short
// chart (140 px) is labelled at three or four heights whatever the values (uPlot's own splits
// over 0 … 1.1·max left two labels for a maximum of 35k and four for 30k).

const STEPS = [1, 2, 2.5, 5] as const;
const MOST_STEPS = 3;
const HEADROOM = 1.05;

/** Ticks 0, s, 2s, … up to the axis top (the last one), for values up to `max`; [0, 1] without a positive max. */
export function zeroTicks(max: number): number[] {
  if (!(max > 0 && Number.isFinite(max))) return [0, 1];
  const top = max * HEADROOM;
  let step = 0;
  for (let exponent = Math.floor(Math.log10(top / MOST_STEPS)); step === 0; exponent++) {
    step = STEPS.map((m) => Number((m * 10 ** exponent).toPrecision(12))).find((s) => s * MOST_STEPS >= top) ?? 0;
  }
  const count = Math.ceil(top / step - 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}
