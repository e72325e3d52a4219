// Playground service: filling a prompt's holes and scoring a case file with a model folder.
// The work runs in the engine host (host/handlers/playground.ts), so a long generation never
// blocks main and a cancelled one (the caller's AbortSignal) stops there. Paths are resolved
// here: the host may not share this process's working directory.

import path from 'node:path';
import type {
  PlaygroundFillRequest,
  PlaygroundFillResult,
  PlaygroundScoreRequest,
  PlaygroundScoreResult,
} from '../../shared/contract/playground';
import type { HostRequester } from './engine-host';
import type { DomainHandlers } from './handler';

export class PlaygroundService {
  constructor(private readonly deps: { readonly engine: HostRequester }) {}

  fill(request: PlaygroundFillRequest, signal?: AbortSignal): Promise<PlaygroundFillResult> {
    const payload = { ...request, modelDir: path.resolve(request.modelDir) };
    return this.deps.engine.request('playground.fill', payload, { signal });
  }

  score(request: PlaygroundScoreRequest, signal?: AbortSignal): Promise<PlaygroundScoreResult> {
    const payload = { modelDir: path.resolve(request.modelDir), case: path.resolve(request.case) };
    return this.deps.engine.request('playground.score', payload, { signal });
  }
}

export function playgroundHandlers(services: { readonly playground: PlaygroundService }): DomainHandlers<'playground'> {
  const { playground } = services;
  return {
    'playground.fill': (args) => playground.fill(args),
    'playground.score': (args) => playground.score(args),
  };
}
