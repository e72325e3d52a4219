// Playground handlers in the engine host: filling a prompt's holes and scoring a model on a
// case file, both T5 work from engine/t5 (fill.ts, case.ts). They run here, not in main,
// because generation and the gradient pass are seconds of CPU that would block main's event
// loop. Errors caused by what the person passed (a missing folder, a bad config or case file,
// a prompt without holes or too long) become invalid_input with the engine's message; a
// cancelled fill becomes cancelled.

import type {
  PlaygroundFillRequest,
  PlaygroundFillResult,
  PlaygroundScoreRequest,
  PlaygroundScoreResult,
} from '../../../shared/contract/playground';
import { ApiError } from '../../../shared/errors';
import { isModelInputError } from '../../engine/inputErrors';
import { scoreModelCase } from '../../engine/t5/case';
import { fillPrompt } from '../../engine/t5/fill';
import type { HostHandlerMap } from '../handler';

declare module '../protocol' {
  interface HostRequests {
    /** Fills the prompt's <extra_id_N> holes; `modelDir` is absolute. */
    'playground.fill': { payload: PlaygroundFillRequest; result: PlaygroundFillResult };
    /** Scores the case file `case` with the model in `modelDir` (both absolute). */
    'playground.score': { payload: PlaygroundScoreRequest; result: PlaygroundScoreResult };
  }
}

async function asInputErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isModelInputError(error) ? new ApiError('invalid_input', error.message) : error;
  }
}

export const playgroundHostHandlers: HostHandlerMap = {
  'playground.fill': (payload, { signal }) => asInputErrors(() => fillPrompt({ ...payload, signal })),
  'playground.score': ({ modelDir, case: casePath }) => asInputErrors(() => scoreModelCase(modelDir, casePath)),
};
