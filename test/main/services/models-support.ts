// Shared by the models service tests (models, modelsResolve, modelsErrors): the t5-tiny-spm
// fixture served by the local stand-in Hub, and a ModelService over a fresh store that records
// the events it emits. Call modelsTestKit() at module level: it registers the afterEach that
// closes the stores and Hubs and removes the folders each test made.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { ApiError } from '../../../src/shared/errors';
import type { EventMap, EventName } from '../../../src/shared/events';
import { EventBus } from '../../../src/main/services/events';
import { ModelService } from '../../../src/main/services/models';
import { openStore } from '../../../src/main/store/db';
import { elementCount } from '../../../src/main/engine/shape';
import { startTestHub, type TestHub } from '../../support/hub-server';
import { tempDirs } from '../../support/tmp';

export const FIXTURE = path.join(__dirname, '../../fixtures/t5/t5-tiny-spm');
export const REPO = 'tiny-org/t5-tiny-spm';

/** Parameters of the fixture, summed from its safetensors header (it stores no tied aliases). */
export function fixtureParameters(): number {
  const bytes = readFileSync(path.join(FIXTURE, 'model.safetensors'));
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString()) as Record<
    string,
    { shape?: number[] }
  >;
  return Object.values(header).reduce((sum, t) => sum + elementCount(t.shape ?? [0]), 0);
}

/** What `promise` rejects with, which must be an ApiError. */
export async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

/** `setup` (a Hub serving the fixture as REPO, a service on a fresh data directory), `tempDir`, `cleanup`. */
export function modelsTestKit() {
  const tempDir = tempDirs('spanfill-models-');
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(options: { token?: string; env?: NodeJS.ProcessEnv } = {}) {
    const hub: TestHub = await startTestHub({ repoId: REPO, folder: FIXTURE, token: options.token });
    const dataDir = tempDir();
    const store = openStore(dataDir);
    const events = new EventBus();
    const seen: { event: EventName; payload: unknown }[] = [];
    events.subscribe(<E extends EventName>(event: E, payload: EventMap[E]) => void seen.push({ event, payload }));
    cleanup.push(
      () => store.close(),
      () => hub.close(),
    );
    const deps = { store, dataDir, events };
    const service = new ModelService(deps, { env: { HF_ENDPOINT: hub.url, ...options.env } });
    return { hub, dataDir, store, service, seen, deps };
  }

  return { setup, tempDir, cleanup };
}
