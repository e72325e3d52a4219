// One tokenizer, one name: `datasets show --model`, `mask` and a run's estimate name a model's
// tokenizer as the app names the model (a registered model by its name, any other folder by its
// own name; contract/runNames.ts modelLabel, services/tokenizerName.ts). datasets show and mask
// named it as typed (the full path of a folder) while a run's notes named it by its folder
// ("tuned"), so the same tokenizer appeared under two names.
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { tempDirs } from '../../../support/tmp';
import { importTexts, KILL_TEXTS, spanfillIn, SPM } from './train-support';

const tempDir = tempDirs('spanfill-tokenizer-names-');

/** The tokenizer a note on <unk> names ("the X tokenizer's vocabulary"), each time one is said. */
const namedInNotes = (output: string): string[] =>
  [...output.matchAll(/became <unk>: the (.+?) tokenizer's vocabulary has no piece/g)].map((m) => m[1]);

describe('the tokenizer of a model, named by datasets show, mask and a run estimate', () => {
  it('is the registered model by its name, however given, and another folder by its own name', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir);
    const tuned = path.join(dir, 'tuned');
    const other = path.join(dir, 'other');
    cpSync(SPM, tuned, { recursive: true });
    cpSync(SPM, other, { recursive: true });
    expect((await spanfillIn(dataDir, ['models', 'import', tuned, '--name', 'mine'])).code).toBe(exitCodes.ok);
    // 東京 and 😀 are not in the spm fixture's vocabulary: the notes on <unk> name the tokenizer.
    const datasetId = await importTexts(dataDir, [...KILL_TEXTS, 'Then 東京 and 😀.']);
    const text = 'The cute dog walks in 東京';

    for (const [given, name] of [
      ['mine', 'mine'],
      [tuned, 'mine'],
      [other, 'other'],
    ]) {
      const shown = await spanfillIn(dataDir, ['datasets', 'show', datasetId, '--model', given]);
      expect(shown.stdout).toMatch(
        new RegExp(`\\nTokenized +[\\d,]+ tokens in \\d+ documents \\(${name}(, cached)?\\)\\n`),
      );
      expect(namedInNotes(shown.stdout)).toEqual([name]);
      const masked = await spanfillIn(dataDir, ['mask', '--text', text, '--model', given, '--length', '16']);
      expect(masked.stdout).toContain(`\nTokenizer  ${name}, seed 0\n`);
      expect(namedInNotes(masked.stdout)).toEqual([name]);
      const estimate = await spanfillIn(dataDir, [
        'train',
        '--dataset',
        datasetId,
        '--model',
        given,
        '--input-length',
        '16',
        '--max-steps',
        '2',
        '--estimate',
      ]);
      expect(estimate.code, estimate.stderr).toBe(exitCodes.ok);
      expect(namedInNotes(estimate.stdout)).toEqual([name]);
    }
    // The byte-level one, by the engine's words everywhere.
    const bytes = await spanfillIn(dataDir, ['datasets', 'show', datasetId, '--model', 'bytes']);
    expect(bytes.stdout).toMatch(/ \(bytes \(ByT5 layout\)(, cached)?\)\n/);
  });
});
