// Score cases: a case file (caseFile.ts) scored on a model —
// loss and per-parameter gradient norms (dropout off) plus a greedy decode. Backs
// `spanfill score` through the playground service and the engine host.

import { readFileSync } from 'node:fs';
import { CaseFileError, parseScoreCase } from './caseFile';
import { loadT5Config } from './config';
import { checkInputLength } from './input-limits';
import { T5Runtime } from './runtime';
import { checkIds, scoreBatch } from './score';
import { loadT5Weights } from './weights';

export interface ScoreOutput {
  readonly loss: number;
  readonly grad_norms: Record<string, number>;
  readonly greedy: number[];
}

/** Loss and gradient norms (dropout off) and a greedy decode of the case file at `casePath`. */
export async function scoreModelCase(modelDir: string, casePath: string): Promise<ScoreOutput> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(casePath, 'utf8').replace(/^\uFEFF/, '')); // a BOM, as editors on Windows write
  } catch (error) {
    throw new CaseFileError(`Cannot read case file ${casePath}: ${(error as Error).message}`);
  }
  const testCase = parseScoreCase(raw, casePath);
  const config = loadT5Config(modelDir);
  // The same length rule as fill and training (input-limits.ts), before any weight is read.
  const rows: [string, readonly number[]][] = [
    ...testCase.inputIds.map((row, i): [string, number[]] => [`input_ids row ${i}`, row]),
    ...testCase.labels.map((row, i): [string, number[]] => [`labels row ${i}`, row]),
    ['greedy.input_ids', testCase.greedyInput],
  ];
  for (const [what, row] of rows) checkInputLength(config, row.length, `${casePath}: ${what}`);
  checkIds(`${casePath}: greedy.input_ids`, [testCase.greedyInput], config.vocabSize, false);
  const weights = loadT5Weights(modelDir, config);
  const scored = await scoreBatch(config, weights.params, testCase, { withGradients: true });
  const runtime = new T5Runtime(config, weights.params);
  try {
    const { sequences } = await runtime.generate([testCase.greedyInput], {
      strategy: { kind: 'greedy' },
      maxNewTokens: testCase.greedyMaxNewTokens,
    });
    return { loss: scored.loss, grad_norms: { ...scored.gradNorms }, greedy: sequences[0] };
  } finally {
    await runtime.release();
  }
}
