// `datasets show` names the tokenizer of each token count kept as the app names tokenizers
// (services/tokenizerName.ts): a registered model's by the model's name. The counts were kept
// under the engine's name for it, its folder's ("tuned" for a model registered as "mine"), so
// datasets show --model said "mine" and the counts beside it "tuned".
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { tempDirs } from '../../../support/tmp';
import { importTexts, KILL_TEXTS, spanfillIn, SPM } from './train-support';

const tempDir = tempDirs('spanfill-token-label-');

describe('datasets show: the tokenizer its token counts are kept under', () => {
  it('is a registered model by its name, as datasets show --model says it', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir);
    const tuned = path.join(dir, 'tuned');
    cpSync(SPM, tuned, { recursive: true });
    expect((await spanfillIn(dataDir, ['models', 'import', tuned, '--name', 'mine'])).code).toBe(exitCodes.ok);
    const datasetId = await importTexts(dataDir, KILL_TEXTS);
    const counted = await spanfillIn(dataDir, ['datasets', 'show', datasetId, '--model', tuned]);
    expect(counted.stdout).toMatch(/\nTokenized +[\d,]+ tokens in \d+ documents \(mine\)\n/);
    const shown = await spanfillIn(dataDir, ['datasets', 'show', datasetId]);
    expect(shown.code, shown.stderr).toBe(exitCodes.ok);
    expect(shown.stdout).toMatch(/\nTokens +[\d,]+ \(mine\)\n/);
  });
});
