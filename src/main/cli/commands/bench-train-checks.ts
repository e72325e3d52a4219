// What `spanfill bench train` refuses before it asks the engine host for a step, so before a
// byte of the step is allocated, by the trainer's own rules and in its words (runsPrepare.ts):
// an input or target length over what the model takes (engine/t5/input-limits.ts), a provider
// that does not load here (runsPrepare.ts checkProvider: the host would fall back on the CPU
// and time a GPU-shaped program there), and a step whose memory estimate (runsMemory.ts
// estimateStepBytes, the trainer's figure) is over the budget: --memory-budget, else free RAM
// or free GPU memory less a margin. Training splits such a batch into micro-batches; a bench
// times the shape it is given, so it refuses and says what to lower (the estimate runs up to
// half over a measured peak: --memory-budget lets a person who knows better run it anyway).

import { formatMemory } from '../../../shared/format';
import type { ProviderName } from '../../engine/onnx/session';
import type { StepMode } from '../../engine/optim/stepMode';
import type { T5Config } from '../../engine/t5/config';
import { maxInputTokens } from '../../engine/t5/input-limits';
import type { MemoryBudget, MemoryProbe } from '../../services/runsMemory';
import { estimateStepBytes, memoryBudget, type StepPlacement, stepPlacementOf } from '../../services/runsMemory';
import { checkProvider } from '../../services/runsPrepare';
import type { SystemService } from '../../services/system';
import { UsageError } from '../command';
import { inFlagWords } from './train-flags';

/** The step a bench train would time. */
export interface BenchTrainShape {
  readonly config: T5Config;
  readonly batchSize: number;
  readonly inputLength: number;
  readonly targetLength: number;
  readonly provider: ProviderName;
  readonly stepsPerCall?: number;
  readonly stepMode?: StepMode;
  /** --update: 'graph' keeps the CPU's one-step update in the graph (default 'auto', as training). */
  readonly update?: 'auto' | 'graph';
}

/** The machine: its providers (the engine host's probe) and its free memory. */
export interface BenchCheckDeps {
  readonly system: Pick<SystemService, 'info' | 'settings'>;
  readonly memory: MemoryProbe;
}

/** Refuses --inputs or --targets over maxInputTokens, as the trainer refuses inputLength. */
function checkLengths(shape: BenchTrainShape): void {
  const limit = maxInputTokens(shape.config);
  const lengths = [
    ['inputs', shape.inputLength, 'input'],
    ['targets', shape.targetLength, 'target'],
  ] as const;
  for (const [flag, length, what] of lengths) {
    if (length > limit)
      throw new UsageError(
        `--${flag} ${length} is more than this model takes: at most ${limit.toLocaleString('en-US')} tokens per ` +
          `${what} (attention memory grows with the square of the length); lower --${flag}`,
      );
  }
}

/** Where the bench's update runs: its --step-mode and --update, else the trainer's rule (stepPlacementOf). */
function placementOf(shape: BenchTrainShape): StepPlacement {
  const { config, provider } = shape;
  const stepsPerCall = shape.stepMode === 'single' ? 1 : (shape.stepsPerCall ?? 1);
  if (stepsPerCall > 1 && shape.stepMode === 'loop') return 'loop';
  const ruled = stepPlacementOf(config, { stepsPerCall, provider });
  return ruled === 'host' && shape.update === 'graph' ? 'graph' : ruled;
}

/** Refuses a step whose estimate is over `budget`; the budget's basis in words when it is unknown. */
function checkMemory(shape: BenchTrainShape, budget: MemoryBudget): string | null {
  const { config, batchSize, inputLength, targetLength } = shape;
  if (budget.bytes === null) return inFlagWords(budget.basis);
  const need = estimateStepBytes(config, batchSize, inputLength, targetLength, 1, placementOf(shape));
  if (need <= budget.bytes) return null;
  const isGiven = budget.basis === 'memoryBudgetMiB';
  throw new UsageError(
    `a step of --batch ${batchSize} at --inputs ${inputLength} --targets ${targetLength} needs ` +
      `~${formatMemory(need)} (the trainer's estimate), over the ${formatMemory(budget.bytes)} budget ` +
      `(${inFlagWords(budget.basis)}); lower --batch or --inputs, use a smaller model, ` +
      (isGiven ? 'or raise --memory-budget' : 'free some memory, or give --memory-budget MIB if more is free'),
  );
}

/**
 * Refuses what the trainer would refuse, before anything is allocated (a cpu bench asks the
 * engine host nothing); resolves to notes for the person: a provider that runs in software,
 * memory that could not be checked.
 */
export async function checkBenchTrain(
  shape: BenchTrainShape,
  memoryBudgetMiB: number | undefined,
  deps: BenchCheckDeps,
): Promise<string[]> {
  checkLengths(shape);
  const providerNote = await checkProvider(deps, shape.provider);
  const budget = memoryBudget({ provider: shape.provider, memoryBudgetMiB }, deps.memory);
  const memoryNote = checkMemory(shape, budget);
  return [providerNote, memoryNote].filter((note) => note !== null);
}
