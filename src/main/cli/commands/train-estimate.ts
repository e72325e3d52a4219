// `spanfill train … --estimate [--time-steps]`: the run's estimate (runs.estimate, the Train
// screen's panel) in a few lines; nothing starts. --time-steps times a few steps of its shape
// in the engine host first, for the time.

import { describePasses } from '../../../shared/contract/runEstimate';
import type { RunEstimate, RunRequest } from '../../../shared/contract/runs';
import type { CommandContext } from '../command';
import { formatBytes, formatElapsed } from '../../../shared/format';
import { inFlagWords } from './train-flags';

export async function estimateRun(context: CommandContext, config: RunRequest) {
  const timeSteps = context.flag('time-steps');
  // Said once the run's checks have passed: a refused estimate times nothing.
  const onTiming = (): void =>
    context.status('timing a few training steps and a validation pass of this shape in the engine host…', {
      force: true,
    });
  const estimate = await context.app().runs.estimate(config, context.signal, { timeSteps, onTiming, reader: 'cli' });
  return { estimate };
}

/** The estimate as a person at the command line reads it: its settings named as flags (--memory-budget). */
export function renderEstimate(estimate: RunEstimate): string {
  return renderEstimateLines(estimate)
    .map((line) => inFlagWords(line))
    .join('\n');
}

function renderEstimateLines(estimate: RunEstimate): string[] {
  const passes = describePasses(estimate);
  const budget = estimate.memoryBudget;
  const lines = [
    `steps   ${estimate.totalSteps.toLocaleString('en')} (${passes.text})`,
    ...(passes.caution ? [`        ${passes.caution}`] : []),
    `tokens  ${estimate.tokensPerStep.toLocaleString('en')} per step (input and target), ` +
      `batch ${estimate.batchSize}${estimate.accumulation > 1 ? ` × accumulation ${estimate.accumulation}` : ''}`,
    `memory  about ${formatBytes(estimate.memoryBytes)} for one step` +
      (budget.bytes === null ? '' : `, budget ${formatBytes(budget.bytes)} (${budget.basis})`),
    ...(estimate.memoryNotice ? [`        ${estimate.memoryNotice}`] : []),
    ...(estimate.notices ?? []).map((notice) => `note    ${notice}`),
    `time    ${estimate.seconds === null ? '' : `about ${formatElapsed(estimate.seconds * 1000)}: `}${estimate.timeBasis}`,
  ];
  return lines;
}
