// Shared by the train/runs command tests: a data directory with one imported text dataset,
// and the flags of a small deterministic run on the t5-tiny-spm fixture.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonResult, runSpanfill, type CliOutput } from '../../../support/cli';

export const SPM = join(__dirname, '../../../fixtures/t5/t5-tiny-spm');
export const FIXTURES = join(__dirname, '../../../fixtures/t5');

/** Imports `texts` (one document per line) into `dataDir`; returns the dataset id. */
export async function importTexts(dataDir: string, texts: readonly string[]): Promise<string> {
  const file = join(dataDir, 'texts.txt');
  writeFileSync(file, `${texts.join('\n')}\n`);
  const out = await runSpanfill(['import', file, '--split', 'line', '--json', '--data-dir', dataDir]);
  if (out.code !== 0) throw new Error(`import failed: ${out.stdout} ${out.stderr}`);
  return jsonResult<{ id: string }>(out.stdout).id;
}

export function spanfillIn(dataDir: string, args: string[]): Promise<CliOutput> {
  return runSpanfill([...args, '--data-dir', dataDir]);
}

export { KILL_TEXTS } from '../../engine/train/helpers';

/** A short run with dropout, a schedule and many checkpoints (what resume must reproduce). */
export function smallRunFlags(dataset: string, maxSteps = 40): string[] {
  return [
    'train',
    '--dataset',
    dataset,
    '--model',
    SPM,
    '--input-length',
    '16',
    '--masking',
    'per-document',
    '--batch-size',
    '2',
    '--steps-per-call',
    '2',
    '--lr',
    '0.003',
    '--schedule',
    'cosine',
    '--warmup-steps',
    '4',
    '--dropout',
    '0.1',
    '--seed',
    '11',
    '--data-seed',
    '3',
    '--max-steps',
    String(maxSteps),
    '--checkpoint-every',
    '2',
    '--keep-last',
    '2',
    '--eval-every',
    '10',
  ];
}
