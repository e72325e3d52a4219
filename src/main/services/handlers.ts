// The handler table: every domain's handlers (services/<domain>.ts) merged into one object
// that dispatch.ts looks calls up in. Takes the domain services it needs, not AppServices,
// so app.ts can import this file without a circle.

import type { DatasetService } from './datasets';
import { datasetHandlers } from './datasets';
import type { EventBus } from './events';
import { datasetRenameHandlers } from './datasetRename';
import { exportHandlers, type ExportService } from './export';
import { datasetSampleHandlers } from './datasetSample';
import type { Handlers } from './handler';
import { maskingHandlers } from './masking';
import { modelHandlers, type ModelService } from './models';
import { playgroundHandlers, type PlaygroundService } from './playground';
import type { RunService } from './runs';
import { runHandlers } from './runsHandlers';
import { systemHandlers, type SystemService } from './system';

export interface DomainServices {
  readonly system: SystemService;
  readonly datasets: DatasetService;
  readonly playground: PlaygroundService;
  readonly models: ModelService;
  readonly export: ExportService;
  readonly runs: RunService;
  /** For the handlers whose service does not hold it (datasets.rename's announcement). */
  readonly events: EventBus;
}

export function createHandlers(services: DomainServices): Handlers {
  return {
    ...systemHandlers(services),
    ...datasetHandlers(services),
    ...datasetRenameHandlers(services),
    ...datasetSampleHandlers(services),
    ...maskingHandlers(services),
    ...playgroundHandlers(services),
    ...modelHandlers(services),
    ...exportHandlers(services),
    ...runHandlers(services),
  };
}
