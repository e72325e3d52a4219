// Settings carried to the Train screen from elsewhere (for now: the Masking screen's "Use
// these settings for training"), kept for the app session. The Train form takes them as its
// starting values (lib/trainForm.ts applyMasking) and says so in one line (lib/carriedMasking.ts).

/** The four numbers of span corruption a preview was made with (the seed: the run's data seed). */
export interface MaskingNumbers {
  readonly noiseDensity: number;
  readonly meanNoiseSpanLength: number;
  readonly inputLength: number;
  /** The preview's seed: a dataset example is masked as training with this data seed masks it. */
  readonly seed: number;
}

export interface CarriedMasking extends MaskingNumbers {
  readonly mode: 'auto' | 'packed' | 'per-document';
  /**
   * The tokenizer the preview used, as the Masking screen's picker gives it (the call's `model`):
   * bytes, builtin:byt5-tiny, a registered model's id, or a model folder.
   */
  readonly tokenizer: string;
  /** What to call it: a registered model's name, else the tokenizer as given. */
  readonly tokenizerName: string;
  /** The dataset of the example previewed, with its name as listed then; absent: the preview was of typed text. */
  readonly dataset?: { readonly id: string; readonly name: string };
}

class TrainSettingsStore {
  masking: CarriedMasking | undefined = $state();

  useMasking(settings: CarriedMasking): void {
    this.masking = { ...settings };
  }
}

export const trainSettings = new TrainSettingsStore();
