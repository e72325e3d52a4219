// runs.estimate: what a run configuration would cost before it starts — its steps and
// examples, the trainer's memory figure, the budget and the micro-batch split it would train
// (from runsPrepare.ts, which plans it exactly as runs.start does), and a time only when an
// earlier run measured one: the seconds per step of the latest run with the same model,
// provider, input length and batch split, scaled to these steps.

import type { RunConfig, RunEstimate } from '../../shared/contract/runs';
import type { RunRow } from '../store/runs';
import type { PreparedRun } from './runsPrepare';

/** Same model, provider and step shape: its seconds per step carry over. */
function isComparable(row: RunRow, config: RunConfig): boolean {
  const other = row.config;
  return (
    other.model === config.model &&
    other.provider === config.provider &&
    other.inputLength === config.inputLength &&
    other.batchSize === config.batchSize &&
    other.accumulation === config.accumulation &&
    row.step > 0 &&
    row.elapsedMs > 0
  );
}

export function estimateRun(prepared: PreparedRun, earlier: readonly RunRow[]): RunEstimate {
  const { config, memory } = prepared;
  const basis = [...earlier].reverse().find((row) => isComparable(row, config));
  const perStepMs = basis ? basis.elapsedMs / basis.step : null;
  return {
    totalSteps: prepared.totalSteps,
    trainingExamples: prepared.trainingExamples,
    tokensPerStep: prepared.exampleTokens * config.batchSize * config.accumulation,
    memoryBytes: memory.stepBytes,
    memoryBudget: memory.budget,
    batchSize: config.batchSize,
    accumulation: config.accumulation,
    memoryNotice: memory.notice,
    seconds: perStepMs === null ? null : (perStepMs * prepared.totalSteps) / 1000,
    timeBasis: basis
      ? `measured by run ${basis.name} (${basis.id}): ${Math.round(perStepMs ?? 0)} ms per step`
      : 'no earlier run of this model, provider, input length and batch has been timed yet; the run view shows an ETA after its first steps',
  };
}
