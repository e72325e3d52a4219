// The runs domain's contract handlers: each `runs.*` call answered by the RunService
// (services/runs.ts). Kept apart so the service file holds the runs' calls only.

import type { DomainHandlers } from './handler';
import { listed } from './listedRows';
import type { RunService } from './runs';

export function runHandlers(services: { readonly runs: RunService }): DomainHandlers<'runs'> {
  const { runs } = services;
  return {
    'runs.start': ({ config }) => runs.start(config),
    'runs.estimate': ({ config, timeSteps }) => runs.estimate(config, undefined, { timeSteps }),
    'runs.list': async () => listed(runs.repo, runs.list()),
    'runs.get': async ({ id }) => runs.get(id),
    'runs.metrics': async ({ ids, names }) => runs.metrics(ids, names),
    'runs.compare': async ({ ids }) => runs.compare(ids),
    'runs.pause': ({ id }) => runs.pause(id),
    'runs.resume': ({ id, fromStart, keepLast }) => runs.resume(id, undefined, { fromStart, keepLast }),
    'runs.stop': ({ id }) => runs.stop(id),
    'runs.rename': async ({ id, name }) => runs.rename(id, name),
    'runs.remove': async ({ id }) => runs.remove(id),
    'runs.checkpoints': async () => runs.keptCheckpoints(),
  };
}
