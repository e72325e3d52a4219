// lossTrend.ts: a run whose training loss ended over twice where it started is named (the probe's
// lr 10 without clipping, 6.5 → 14,461, finished "completed" in silence), and so is one that shot
// up within its first 10 steps (against its first loss); a fine-tune falling, a noisy but level
// loss, one whose first batch was its luckiest, a warm-up bump, a plateau and a run too short to
// judge are not; a NaN or infinite loss (null once sent as JSON) is left out, not averaged. And
// the advice in words.

import { describe, expect, it } from 'vitest';
import {
  gentlerRunWords,
  LOSS_TREND_MIN_POINTS,
  runLossWarning,
  type RunForTrend,
  lossWorsening,
  worseningAdvice,
  worseningWords,
} from '../../src/shared/lossTrend';
import { seeded } from '../support/seeded';

/** `count` losses from `at(i)`, each times (1 ± `noise`) from a seeded generator. */
function curve(count: number, at: (i: number) => number, noise = 0, seed = 1): number[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, i) => at(i) * (1 + noise * (2 * random() - 1)));
}

/** The probe's shape: byt5-tiny from scratch (ln 384 ≈ 5.95) at lr 10 without clipping, 200 steps to ~14,461. */
const probe = curve(200, (i) => (i < 10 ? 6.5 - 0.05 * i : 6 * Math.exp((Math.log(14461 / 6) * (i - 10)) / 189)), 0.1);

describe('lossWorsening', () => {
  it("names the probe's run: the mean of its last 10 losses against its first 10", () => {
    const found = lossWorsening(probe);
    expect(found?.window).toBe(10);
    expect(found?.earlyMean).toBeCloseTo(probe.slice(0, 10).reduce((a, b) => a + b) / 10, 9);
    expect(found?.lateMean).toBeGreaterThan(10_000);
  });

  it('says nothing of a fine-tune whose loss falls, nor of one that only stopped falling', () => {
    expect(lossWorsening(curve(500, (i) => 1.8 + 0.7 * Math.exp(-i / 80), 0.15))).toBeUndefined();
    expect(lossWorsening(curve(300, () => 2.2, 0.05))).toBeUndefined();
  });

  it('says nothing of a noisy loss that stays level (single batches at ±60 %)', () => {
    for (let seed = 1; seed <= 20; seed++) expect(lossWorsening(curve(60, () => 3, 0.6, seed))).toBeUndefined();
  });

  it('says nothing of a warm-up bump, even a run that ends on its way down', () => {
    // From scratch at ln 384: up to 9.5 (1.6×) by step 15 as the rate warms up, then falling.
    const bump = (i: number) => (i < 5 ? 5.95 : i < 15 ? 5.95 + (3.55 * (i - 5)) / 10 : 9.5 - 0.1 * (i - 15));
    expect(lossWorsening(curve(30, bump, 0.1))).toBeUndefined();
    expect(lossWorsening(curve(400, (i) => (i < 60 ? bump(i) : 3.5), 0.1))).toBeUndefined();
  });

  it(`says nothing under ${LOSS_TREND_MIN_POINTS} losses; a short run compares its halves`, () => {
    const rising = (count: number) => curve(count, (i) => 2 ** i);
    expect(lossWorsening(rising(LOSS_TREND_MIN_POINTS - 1))).toBeUndefined();
    expect(lossWorsening([])).toBeUndefined();
    expect(lossWorsening(rising(LOSS_TREND_MIN_POINTS))).toEqual({ earlyMean: 15 / 4, lateMean: 240 / 4, window: 4 });
    expect(lossWorsening(rising(13))?.window).toBe(6);
  });

  it('leaves out losses that are not finite (null is NaN sent as JSON) instead of averaging them', () => {
    const spoilt = [...probe.slice(0, 5), Number.NaN, null, Number.POSITIVE_INFINITY, ...probe.slice(5), null];
    expect(lossWorsening(spoilt)).toEqual(lossWorsening(probe));
    // Only finite losses count towards the minimum.
    expect(lossWorsening([1, 2, 3, null, Number.NaN, 50, 60, 70, 80])).toBeUndefined();
    expect(lossWorsening([1, 1, 1, 1, 5, 5, 5, 5])).toEqual({ earlyMean: 1, lateMean: 5, window: 4 });
  });

  it('needs the late mean over twice the early one, not at it', () => {
    expect(lossWorsening([1, 1, 1, 1, 2, 2, 2, 2])).toBeUndefined();
    expect(lossWorsening([0, 0, 0, 0, 1, 1, 1, 1])).toBeUndefined();
  });
});

describe('lossWorsening: a loss that explodes within the first window', () => {
  /** A huge lr with no warm-up: ln 384 at the start, then `to` from step `at` (1-based) on, ±10 %. */
  const explodesAt = (at: number, to = 5000) => curve(200, (i) => (i < at - 1 ? 5.95 : to), 0.1);
  /** The lowest batch the tests' noise allows (−60 %) as the first one, the rest of `losses` as they are. */
  const luckyFirst = (losses: number[], level: number) => [0.4 * level, ...losses.slice(1)];

  it('names a loss that shoots up at step 2, 3 or 5, against the first loss (the first 10 rose with it)', () => {
    for (const at of [2, 3, 5]) {
      const losses = explodesAt(at);
      const found = lossWorsening(losses);
      expect(found, `step ${at}`).toBeDefined();
      expect(found?.firstLoss).toBe(losses[0]);
      expect(found?.lateMean).toBeGreaterThan(4000);
    }
  });

  it('names one that rises sixfold at step 2 and stays there', () => {
    expect(lossWorsening(explodesAt(2, 6 * 5.95))?.firstLoss).toBeCloseTo(5.95, 0);
  });

  it('still compares the two windows where they tell it (a rise late in the first window)', () => {
    const found = lossWorsening(explodesAt(9));
    expect(found?.firstLoss).toBeUndefined();
    expect(found?.window).toBe(10);
  });

  it('says nothing of a noisy small-batch run whose first batch was its luckiest, level or falling', () => {
    for (let seed = 1; seed <= 20; seed++) {
      expect(
        lossWorsening(
          luckyFirst(
            curve(60, () => 3, 0.6, seed),
            3,
          ),
        ),
      ).toBeUndefined();
      expect(
        lossWorsening(
          luckyFirst(
            curve(500, (i) => 1.8 + 0.7 * Math.exp(-i / 80), 0.15, seed),
            2.5,
          ),
        ),
      ).toBeUndefined();
    }
  });

  it("says nothing of a fine-tune's warm-up bump (1.6×) that began from its luckiest batch", () => {
    // From a base model's 2.5 up to 4 by step 15 as the rate warms up, ending there.
    const bump = (i: number) => (i < 5 ? 2.5 : i < 15 ? 2.5 + (1.5 * (i - 5)) / 10 : 4);
    expect(lossWorsening(luckyFirst(curve(30, bump, 0.1), 2.5))).toBeUndefined();
  });

  it('says nothing of a run that falls and then plateaus, nor of a loss of 0 at the first step', () => {
    expect(lossWorsening(curve(300, (i) => (i < 50 ? 6 - 0.08 * i : 2), 0.1))).toBeUndefined();
    expect(lossWorsening([0, 0, 0, 0, 0, 0, 0, 0, 1, 1])).toBeUndefined();
  });
});

describe('worseningWords and worseningAdvice', () => {
  const found = { earlyMean: 6.5158, lateMean: 14461.27, window: 10 };
  const settings = { lr: 10, clipNorm: null, optimizer: { kind: 'adamw' } };

  it('names both means with four significant digits', () => {
    expect(worseningWords(found)).toBe(
      'The training loss ended over 2× where it started: a mean of 14,460 over its last 10 steps against 6.516 over its first 10.',
    );
  });

  it("points at the best checkpoint, then at a gentler run following the run's settings", () => {
    expect(worseningAdvice(found, { step: 170, evalLoss: 6.1 }, settings)).toBe(
      'Its best checkpoint by validation loss, step 170 (validation loss 6.1), is kept: use that one. ' +
        'To train on, start a new run with a lower learning rate (lr, 10 in this run) and gradient clipping on ' +
        '(clipNorm, off in this run; 1 is the default).',
    );
    expect(worseningAdvice(found, undefined, { ...settings, clipNorm: 1 })).toBe(
      'No checkpoint of it has a validation loss to choose by. To train on, start a new run with a lower ' +
        'learning rate (lr, 10 in this run; gradient clipping was on, clipNorm 1).',
    );
  });

  it('says where a loss that shot up within the first window started: its first step', () => {
    const exploded = { earlyMean: 4500.6, lateMean: 5012.3, window: 10, firstLoss: 5.95 };
    expect(worseningWords(exploded)).toBe(
      'The training loss ended over 5× where it started: a mean of 5,012 over its last 10 steps against 5.95 ' +
        'at its first step; it shot up within its first 10 (a mean of 4,501).',
    );
    // A checkpoint is spoilt at over 2× the first loss, not at 2× the early mean that rose with the loss.
    expect(worseningAdvice(exploded, { step: 10, evalLoss: 907.05 }, settings)).toMatch(
      /^Its best checkpoint by validation loss, step 10 \(validation loss 907\), is over 2× where training started too\./,
    );
    expect(worseningAdvice(exploded, { step: 1, evalLoss: 6.2 }, settings)).toMatch(/is kept: use that one\./);
  });

  it('does not offer a best checkpoint that was spoilt too', () => {
    expect(worseningAdvice(found, { step: 10, evalLoss: 907.05 }, settings)).toMatch(
      /^Its best checkpoint by validation loss, step 10 \(validation loss 907\), is over 2× where training started too\. To train on/,
    );
  });

  it('tells an Adafactor run, whose step sizes are its own, of clipping rather than lr', () => {
    const adafactor = { lr: 1e-3, clipNorm: null, optimizer: { kind: 'adafactor' } };
    expect(gentlerRunWords(adafactor)).toBe(
      'a new run with gradient clipping on (clipNorm, off in this run; 1 is the default)',
    );
    expect(gentlerRunWords({ ...adafactor, clipNorm: 1 })).not.toContain('lower learning rate');
  });
});

describe('runLossWarning', () => {
  const checkpoint = (step: number, isBest: boolean, loss?: number) => ({
    step,
    path: `/d/step-${step}`,
    isBest,
    eval: loss === undefined ? null : { loss },
    createdAt: '',
  });
  const run: RunForTrend = {
    status: 'completed',
    error: null,
    config: { lr: 10, clipNorm: null, optimizer: { kind: 'adamw' } },
    checkpoints: [checkpoint(100, false, 9), checkpoint(170, true, 6.1), checkpoint(200, false)],
  };

  it('says what happened and points at the best checkpoint, as the caller takes it', () => {
    expect(runLossWarning(run, probe, ' (`--checkpoint best`)')).toMatch(
      /^The training loss ended over 2× where it started: .* Its best checkpoint by validation loss, step 170 \(validation loss 6\.1\), is kept: use that one \(`--checkpoint best`\)\. To train on, start a new run with a lower learning rate \(lr, 10 in this run\)/,
    );
    expect(runLossWarning({ ...run, status: 'stopped' }, probe)).toContain('is kept: use that one. To train on');
  });

  it('says so of a run whose loss shot up at its second step', () => {
    const exploded = curve(200, (i) => (i < 1 ? 5.95 : 5000), 0.1);
    expect(runLossWarning(run, exploded)).toMatch(
      /^The training loss ended over 5× where it started: a mean of [\d,]+ over its last 10 steps against [\d.]+ at its first step; .* Its best checkpoint by validation loss, step 170/,
    );
  });

  it('waits while the run trains, and leaves a run failed with a loss that stopped being finite to its error', () => {
    expect(runLossWarning({ ...run, status: 'running' }, probe)).toBeUndefined();
    expect(runLossWarning({ ...run, status: 'queued' }, probe)).toBeUndefined();
    const diverged = { ...run, status: 'failed' as const, error: 'Loss is NaN at step 201: training diverged. …' };
    expect(runLossWarning(diverged, probe)).toBeUndefined();
    expect(
      runLossWarning(
        run,
        curve(200, () => 2, 0.1),
      ),
    ).toBeUndefined();
  });
});
