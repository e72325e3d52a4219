// Bench handlers in the engine host: `spanfill bench train` and the Spanfill side of `bench
// compare` time the training step here, in the process (and with the environment, such as
// the malloc tunables of host/allocator.ts) that real training runs in, not in the CLI.
// The host runs nothing else meanwhile, so the result's peak RSS is the step's process's.

import { benchTrain, type TrainBenchOptions, type TrainBenchResult } from '../../engine/bench/train';
import {
  benchValidation,
  type ValidationBenchOptions,
  type ValidationBenchResult,
} from '../../engine/bench/validation';
import type { HostHandlerMap } from '../handler';

/** benchTrain's options without the signal: the request's cancel signal takes its place. */
export type TrainBenchPayload = Omit<TrainBenchOptions, 'signal'>;
export type ValidationBenchPayload = Omit<ValidationBenchOptions, 'signal'>;

declare module '../protocol' {
  interface HostRequests {
    /** Times `steps` training steps of a random T5 after `warmupSteps` (engine/bench/train.ts). */
    'bench.train': { payload: TrainBenchPayload; result: TrainBenchResult };
    /** Times a validation pass's parts: an evaluation batch and a decoding group (engine/bench/validation.ts). */
    'bench.validation': { payload: ValidationBenchPayload; result: ValidationBenchResult };
  }
}

export const benchHostHandlers: HostHandlerMap = {
  'bench.train': (payload, { signal }) => benchTrain({ ...payload, signal }),
  'bench.validation': (payload, { signal }) => benchValidation({ ...payload, signal }),
};
