// The seed notebook's experiment through the engine: t5-tiny-spm from its random weights,
// a dataset holding only "The cute dog walks in the green park", 300 steps with dynamic span
// masks at a learning rate decaying linearly from 1e-2; then greedy filling "The <extra_id_0> dog walks in the <extra_id_1>"
// returns "cute" and "green park". Prints the loss curve.
import { describe, expect, it } from 'vitest';
import { parseSpans } from '../../../../src/main/engine/t5/sentinels';
import { T5Runtime } from '../../../../src/main/engine/t5/runtime';
import { loadT5Model } from '../../../../src/main/engine/t5/weights';
import { train, trainerModelFromDir } from '../../../../src/main/engine/train/trainer';
import { loadSpmTokenizer, SPM_DIR, textData } from './helpers';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-seed-');

const SENTENCE = 'The cute dog walks in the green park';

describe('seed experiment', () => {
  it('learns to fill the one sentence it was trained on', async () => {
    const tokenizer = await loadSpmTokenizer();
    // NOTE: this fixture's 400-piece vocabulary spells the sentence in 22 tokens and its </s>, which
    // is masked with it (as HF masks a text); the prompt's holes hide 4 + 9 of them and, with the
    // </s> a fill puts after the prompt, that </s>: the masks are drawn at that density (round(23 ·
    // 0.6) = 14 noise tokens in 2 spans), so the prompt's mask is one of ~100 the model trains on.
    const data = textData(tokenizer, [SENTENCE], [SENTENCE], {
      inputLength: 16,
      noiseDensity: 0.6,
      meanNoiseSpanLength: 4.5,
    });
    expect(data.train.plan.exampleCount).toBe(1);
    const dir = tempDir();
    const result = await train({
      model: trainerModelFromDir(SPM_DIR),
      data,
      settings: {
        batchSize: 8,
        stepsPerCall: 10,
        mask: 'dynamic',
        optimizer: { kind: 'adamw', weightDecay: 0 },
        // Decayed to 0: at a constant 1e-2 the last steps still jump about (losses 0.07–0.33),
        // so where the run ends hung on float rounding (a fused RMS norm on the CPU ended at
        // "cut" / "the green park"); decayed, both forms end at validation loss 0.017, exact.
        schedule: { kind: 'linear', peakLr: 1e-2, totalSteps: 300 },
        dropoutRate: 0,
        seed: 1,
        maxSteps: 300,
        spanSample: 1,
        checkpointEvery: 0,
        keepLast: 1,
      },
      checkpointDir: dir,
    });
    const curve = result.losses;
    console.log(
      `seed experiment: ${curve.length} steps, loss ${curve[0].toFixed(4)} → ${curve[curve.length - 1].toFixed(4)}; ` +
        `every 10th: ${curve
          .filter((_, i) => i % 10 === 0)
          .map((l) => l.toFixed(3))
          .join(' ')}`,
    );
    console.log(`validation at the end: ${JSON.stringify(result.validation)}`);
    const { config, weights } = loadT5Model(result.lastCheckpoint as string);
    const runtime = new T5Runtime(config, weights.params);
    const prompt = 'The <extra_id_0> dog walks in the <extra_id_1>';
    const ids = [...tokenizer.encode(prompt), tokenizer.eosId];
    const { sequences } = await runtime.generate([ids], { strategy: { kind: 'greedy' }, maxNewTokens: 16 });
    await runtime.release();
    const output = tokenizer.decode(sequences[0]);
    console.log(`fill: ${prompt} → ${output}`);
    const spans = parseSpans(output);
    expect(spans.get(0)).toBe('cute');
    expect(spans.get(1)).toBe('green park');
  });
});
