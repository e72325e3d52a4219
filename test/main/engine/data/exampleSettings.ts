// The stand-in tokenizer and span-corruption settings the data tests mask with: EOS 1, pad 0,
// 100 sentinels counting down from 499 (as T5's <extra_id_0> is the vocabulary's last id).
import type { SpanCorruptionSettings } from '../../../../src/main/engine/data/examples';

export const tokenizer = { eosId: 1, padId: 0, sentinelCount: 100, sentinelId: (k: number): number => 499 - k };

export const settings: SpanCorruptionSettings = {
  inputLength: 32,
  noiseDensity: 0.15,
  meanNoiseSpanLength: 3,
  mode: 'auto',
  seed: 5,
};
