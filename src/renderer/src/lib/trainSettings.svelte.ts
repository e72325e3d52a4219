// Settings carried to the Train screen from elsewhere (for now: the Masking screen's "Use
// these settings for training"), kept for the app session. The Train form takes them as its
// starting values (lib/trainForm.ts applyMasking) and says so in one line.

export interface CarriedMasking {
  readonly noiseDensity: number;
  readonly meanNoiseSpanLength: number;
  readonly inputLength: number;
  readonly mode: 'auto' | 'packed' | 'per-document';
  /** The preview's seed: a dataset example is masked as training with this data seed masks it. */
  readonly seed: number;
}

class TrainSettingsStore {
  masking: CarriedMasking | undefined = $state();

  useMasking(settings: CarriedMasking): void {
    this.masking = { ...settings };
  }
}

export const trainSettings = new TrainSettingsStore();

/** "noise density 0.3, mean span 3, input length 64, examples packed, data seed 0": the settings in words. */
export function describeMasking(m: CarriedMasking): string {
  const mode = m.mode === 'auto' ? 'auto (packed unless the data is under one example)' : m.mode;
  return `noise density ${m.noiseDensity}, mean span ${m.meanNoiseSpanLength}, input length ${m.inputLength}, examples ${mode}, data seed ${m.seed}`;
}
