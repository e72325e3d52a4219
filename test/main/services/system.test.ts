// System service: caches the provider probe, re-probes on refresh, and still answers (with
// probeError) when the engine host cannot be asked; says the data directory and whether it was
// chosen (commands shown must name it) without probing; the stored settings keep what is saved,
// survive a reopened store, and a stored value they cannot read (not JSON, outside a save's
// bounds) is its default with a warning, until a save replaces it.

import { afterEach, describe, expect, it } from 'vitest';
import type { EngineHostManager } from '../../../src/main/services/engine-host';
import { SystemService, systemHandlers } from '../../../src/main/services/system';
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

  it('keeps saved settings across a reopened store, changes only what is given, and takes a field left out as its default', () => {
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
    reopened.set('app', { provider: 'cpu' }); // a field left out: its default, without a word
    expect(new SystemService({ ...deps(), engine, settings: reopened }).settings()).toEqual({
      provider: 'cpu',
      cpuThreads: 0,
    });
  });

  it('reads a stored value it cannot read as the defaults with a warning, and a save replaces it', async () => {
    const dataDir = tempDir();
    const store = openStore(dataDir);
    stores.push(store);
    const corrupt = (text: string) =>
      store.db.prepare("UPDATE settings SET value_json = ? WHERE key = 'app'").run(text).changes;
    const system = new SystemService({
      ...deps(),
      dataDir,
      engine: fakeEngine([]).engine,
      settings: new SettingsRepository(store.db),
    });
    const handlers = systemHandlers({ system });
    system.saveSettings({ provider: 'cpu', cpuThreads: 1 });
    expect(corrupt('{"provider":"auto","cpuThr')).toBe(1);
    const read = await handlers['system.settings']({});
    expect(read).toMatchObject({ provider: 'auto', cpuThreads: 0 });
    expect(read.warning).toContain(`The saved settings in ${dataDir}/spanfill.db cannot be read (not JSON: `);
    expect(read.warning).toContain('until settings are saved again');
    expect(await handlers['system.saveSettings']({ cpuThreads: 2 })).toEqual({ provider: 'auto', cpuThreads: 2 });
    expect(system.settings()).toEqual({ provider: 'auto', cpuThreads: 2 });
  });

  it('takes a stored field outside what a save takes as its default, keeping the fields that read', () => {
    const settings = settingsIn(tempDir());
    const system = new SystemService({ ...deps(), engine: fakeEngine([]).engine, settings });
    settings.set('app', { provider: 'cpu', cpuThreads: 99999 });
    const read = system.settings();
    expect(read).toMatchObject({ provider: 'cpu', cpuThreads: 0 });
    expect(read.warning).toContain('cpuThreads 99999 is not a whole number from 0 to 1024');
    settings.set('app', { provider: 'tpu', cpuThreads: -3 });
    expect(system.settings()).toMatchObject({ provider: 'auto', cpuThreads: 0 });
    expect(system.settings().warning).toContain(
      'provider "tpu" is not one of auto, cpu, cuda, webgpu, dml; cpuThreads -3 is not a whole number from 0 to 1024',
    );
  });

  it('says the data directory and whether it was chosen, without probing, and in info beside it', async () => {
    const { engine, calls } = fakeEngine([async () => probe]);
    const chosen = systemHandlers({ system: new SystemService({ ...deps(), engine, isDataDirChosen: true }) });
    expect(await chosen['system.dataDir']({})).toEqual({ dataDir: '/data', isDataDirChosen: true });
    expect(calls()).toBe(0);
    expect(await chosen['system.info']({})).toMatchObject({ dataDir: '/data', isDataDirChosen: true });
    // Not said (a test's, a service built without it): not chosen.
    expect(new SystemService({ ...deps(), engine }).dataDir()).toEqual({ dataDir: '/data', isDataDirChosen: false });
  });

  it('ignores a last served port it cannot read, saying so', () => {
    const dataDir = tempDir();
    const settings = settingsIn(dataDir);
    const system = new SystemService({ ...deps(), dataDir, engine: fakeEngine([]).engine, settings });
    expect(system.servedPort()).toEqual({});
    system.keepServedPort(8787);
    expect(system.servedPort()).toEqual({ port: 8787 });
    settings.set('serve.port', 'abc');
    expect(system.servedPort()).toEqual({
      warning: `The port last served on, kept in ${dataDir}/spanfill.db, cannot be read ("abc" is not a port); serving on a free port, which is kept in its place.`,
    });
  });
});
