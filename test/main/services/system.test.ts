// System service: caches the provider probe, re-probes on refresh, and still answers (with
// probeError) when the engine host cannot be asked; the stored settings keep what is saved,
// survive a reopened store and fall back to defaults for values they do not know.

import { afterEach, describe, expect, it } from 'vitest';
import type { EngineHostManager } from '../../../src/main/services/engine-host';
import { SystemService } from '../../../src/main/services/system';
import { openStore, type Store } from '../../../src/main/store/db';
import { SettingsRepository } from '../../../src/main/store/settings';
import { ApiError } from '../../../src/shared/errors';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-system-');
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function settingsIn(dataDir: string): SettingsRepository {
  const store = openStore(dataDir);
  stores.push(store);
  return new SettingsRepository(store.db);
}

function fakeEngine(answers: (() => Promise<unknown>)[]): { engine: EngineHostManager; calls: () => number } {
  let calls = 0;
  const engine = {
    request: () => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls += 1;
      return answer();
    },
  } as unknown as EngineHostManager;
  return { engine, calls: () => calls };
}

const deps = () => ({ appVersion: '9.9.9', dataDir: '/data', schemaVersion: 1, settings: settingsIn(tempDir()) });
const probe = {
  ortVersion: '1.30.0',
  providers: [{ name: 'cpu', available: true }],
  ortTelemetry: { off: true, variable: '1' },
};

describe('SystemService', () => {
  it('probes once and re-probes on refresh', async () => {
    const { engine, calls } = fakeEngine([async () => probe]);
    const system = new SystemService({ ...deps(), engine });
    const info = await system.info();
    expect(info).toMatchObject({
      appVersion: '9.9.9',
      dataDir: '/data',
      ortVersion: '1.30.0',
      providers: probe.providers,
      ortTelemetry: { off: true, variable: '1' },
    });
    expect(info.cpuThreads).toBeGreaterThan(0);
    await system.info();
    expect(calls()).toBe(1);
    await system.info({ refresh: true });
    expect(calls()).toBe(2);
  });

  it('reports a failed probe and tries again next time', async () => {
    const { engine } = fakeEngine([
      async () => {
        throw new ApiError('unavailable', 'The engine host exited with code 139');
      },
      async () => probe,
    ]);
    const system = new SystemService({ ...deps(), engine });
    const failed = await system.info();
    expect(failed).toMatchObject({
      ortVersion: 'unknown',
      providers: [],
      probeError: 'The engine host exited with code 139',
    });
    const recovered = await system.info();
    expect(failed.ortTelemetry).toBeUndefined();
    expect(recovered.probeError).toBeUndefined();
    expect(recovered.ortVersion).toBe('1.30.0');
  });

  it('keeps saved settings across a reopened store, changes only what is given, and ignores unknown stored values', () => {
    const dataDir = tempDir();
    const { engine } = fakeEngine([async () => probe]);
    const system = new SystemService({ ...deps(), engine, settings: settingsIn(dataDir) });
    expect(system.settings()).toEqual({ provider: 'auto', cpuThreads: 0 });
    expect(system.saveSettings({ cpuThreads: 2 })).toEqual({ provider: 'auto', cpuThreads: 2 });
    expect(system.saveSettings({ provider: 'cpu' })).toEqual({ provider: 'cpu', cpuThreads: 2 });
    for (const store of stores.splice(0)) store.close();
    const reopened = settingsIn(dataDir);
    expect(new SystemService({ ...deps(), engine, settings: reopened }).settings()).toEqual({
      provider: 'cpu',
      cpuThreads: 2,
    });
    reopened.set('app', { provider: 'tpu', cpuThreads: -3 });
    expect(new SystemService({ ...deps(), engine, settings: reopened }).settings()).toEqual({
      provider: 'auto',
      cpuThreads: 0,
    });
  });
});
