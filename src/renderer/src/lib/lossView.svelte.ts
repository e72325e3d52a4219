// How the loss charts draw (the Train screen's run and the Runs screen's comparison): the
// training loss smoothed or raw, the y axis linear or logarithmic. Remembered per browser
// profile like the theme (lib/preference.ts: followed when another tab changes it); the stored
// curves are never changed.

import { preference } from './preference';
import { smoothed } from './runCurves';

/** The largest smoothing weight the slider offers (its smallest, 0, draws the raw points). */
export const MAX_SMOOTHING = 0.99;

interface Saved {
  readonly smoothing: number;
  readonly isLog: boolean;
}

/** A stored view (nothing, or text that is not one: raw points on a linear axis). */
function savedFrom(text: string | null): Saved {
  let saved: Partial<Saved> | null = null;
  try {
    saved = JSON.parse(text ?? '{}') as Partial<Saved> | null;
  } catch {
    // (unreadable: the default)
  }
  const smoothing = typeof saved?.smoothing === 'number' ? saved.smoothing : 0;
  return {
    smoothing: smoothing >= 0 && smoothing <= MAX_SMOOTHING ? smoothing : 0,
    isLog: saved?.isLog === true,
  };
}

const stored = preference<Saved>('spanfill.lossView', savedFrom, (view) => JSON.stringify(view));

class LossView {
  smoothing = $state(0);
  isLog = $state(false);

  constructor() {
    this.take(stored.load());
    // Changed in another tab: the charts here draw it too.
    stored.follow((saved) => this.take(saved));
  }

  /** A saved view taken as this page's. */
  private take(saved: Saved): void {
    this.smoothing = saved.smoothing;
    this.isLog = saved.isLog;
  }

  /** Remembers the view (storage refused: it holds until the page reloads). */
  save(): void {
    stored.save({ smoothing: this.smoothing, isLog: this.isLog });
  }

  /** A training-loss series as drawn: smoothed at the chosen weight. */
  training(values: (number | null)[]): (number | null)[] {
    return this.smoothing > 0 ? smoothed(values, this.smoothing) : values;
  }

  /**
   * A loss chart's version (LineChart redraws when it changes) with the smoothing in it: the
   * charts' data functions read the smoothing only when they draw, so a new weight must redraw.
   */
  version(curvesVersion: number): number {
    return curvesVersion + this.smoothing;
  }

  /** The training loss's legend label. */
  trainingLabel(label: string): string {
    return this.smoothing > 0 ? `${label} (smoothed)` : label;
  }
}

export const lossView = new LossView();
