// Score cases: a case file (caseFile.ts) scored on a model —
// loss and per-parameter gradient norms (dropout off) plus a greedy decode. Backs
// `spanfill score` through the playground service and the engine host.

import { readScoreCase, type ScoreCase } from './caseFile';
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

/**
 * Every id of the case within the model's vocabulary, each field named as the file has it
 * (the greedy input by its own section only when the file has one), before any weight is read.
 */
function checkCaseIds(testCase: ScoreCase, vocabSize: number, casePath: string): void {
  checkIds(`${casePath}: input_ids`, testCase.inputIds, vocabSize, false);
  checkIds(`${casePath}: labels`, testCase.labels, vocabSize, true);
  if (testCase.greedyInputField === 'greedy.input_ids')
    checkIds(`${casePath}: greedy.input_ids`, [testCase.greedyInput], vocabSize, false);
}

/** Loss and gradient norms (dropout off) and a greedy decode of the case file at `casePath`. */
export async function scoreModelCase(modelDir: string, casePath: string): Promise<ScoreOutput> {
  const testCase = readScoreCase(casePath);
  const config = loadT5Config(modelDir);
  // The same length rule as fill and training (input-limits.ts), before any weight is read.
  const rows: [string, readonly number[]][] = [
    ...testCase.inputIds.map((row, i): [string, number[]] => [`input_ids row ${i}`, row]),
    ...testCase.labels.map((row, i): [string, number[]] => [`labels row ${i}`, row]),
    // Without a greedy section the greedy input is input_ids row 0's, checked above.
    ...(testCase.greedyInputField === 'greedy.input_ids'
      ? [['greedy.input_ids', testCase.greedyInput] as [string, number[]]]
      : []),
  ];
  for (const [what, row] of rows) checkInputLength(config, row.length, `${casePath}: ${what}`);
  checkCaseIds(testCase, config.vocabSize, casePath);
  const weights = loadT5Weights(modelDir, config, { refuseNonFinite: true });
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
