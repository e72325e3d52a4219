// How the loss charts draw (the Train screen's run and the Runs screen's comparison): the
// training loss smoothed or raw, the y axis linear or logarithmic. Remembered per browser
// profile, like the theme (and followed when another tab changes it); the stored curves are
// never changed.

import { smoothed } from './runCurves';
import { isStorageChangeOf } from './theme';

const storageKey = 'spanfill.lossView';

/** The largest smoothing weight the slider offers (its smallest, 0, draws the raw points). */
export const MAX_SMOOTHING = 0.99;

interface Saved {
  readonly smoothing: number;
  readonly isLog: boolean;
}

function load(): Saved {
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey) ?? '{}') as Partial<Saved>;
    const smoothing = typeof saved.smoothing === 'number' ? saved.smoothing : 0;
    return {
      smoothing: smoothing >= 0 && smoothing <= MAX_SMOOTHING ? smoothing : 0,
      isLog: saved.isLog === true,
    };
  } catch {
    return { smoothing: 0, isLog: false };
  }
}

class LossView {
  smoothing = $state(0);
  isLog = $state(false);

  constructor() {
    this.follow();
    // Changed in another tab: the charts here draw it too.
    if (typeof window !== 'undefined')
      window.addEventListener('storage', (event) => {
        if (isStorageChangeOf(event, storageKey)) this.follow();
      });
  }

  /** What is saved, taken as this page's view. */
  private follow(): void {
    const saved = load();
    this.smoothing = saved.smoothing;
    this.isLog = saved.isLog;
  }

  save(): void {
    localStorage.setItem(storageKey, JSON.stringify({ smoothing: this.smoothing, isLog: this.isLog }));
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
