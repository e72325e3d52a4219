// The settings watcher over a real store, with the row another process's `spanfill settings`
// writes: a change made there is announced once with the settings as they now are; what the store
// held when watching began is not, nor what the system service here saved and announced itself.
// Settings left unreadable there are announced as the defaults, with their warning.
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineHostManager } from '../../../src/main/services/engine-host';
import type { EventName } from '../../../src/shared/events';
import { EventBus } from '../../../src/main/services/events';
import { SettingsWatcher } from '../../../src/main/services/settingsWatch';
import { SystemService } from '../../../src/main/services/system';
import { openStore, type Store } from '../../../src/main/store/db';
import { SettingsRepository } from '../../../src/main/store/settings';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-settings-watch-');
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** The system service of this process and of a terminal's, on one data directory. */
function twoProcesses(): { here: SystemService; there: SystemService; events: EventBus; dataDir: string } {
  const dataDir = tempDir();
  const events = new EventBus();
  const service = (bus?: EventBus): SystemService => {
    const store = openStore(dataDir);
    stores.push(store);
    const deps = { appVersion: '0', dataDir, schemaVersion: 1, engine: {} as EngineHostManager };
    return new SystemService({ ...deps, settings: new SettingsRepository(store.db), events: bus });
  };
  return { here: service(events), there: service(), events, dataDir };
}

describe('SettingsWatcher', () => {
  it("announces another process's saved settings once per change", () => {
    const { here, there, events } = twoProcesses();
    const heard: [EventName, unknown][] = [];
    events.subscribe((name, payload) => heard.push([name, payload]));
    there.saveSettings({ cpuThreads: 3 });
    const watcher = new SettingsWatcher({ settings: () => here.settings(), events });
    try {
      watcher.start(3_600_000); // only the looks below
      watcher.poll();
      expect(heard).toEqual([]);
      there.saveSettings({ provider: 'cpu' });
      watcher.poll();
      watcher.poll();
      there.saveSettings({ provider: 'cpu' }); // the same again: nothing changed
      watcher.poll();
      there.saveSettings({ cpuThreads: 0 });
      watcher.poll();
      expect(heard).toEqual([
        ['system.settingsChanged', { provider: 'cpu', cpuThreads: 3 }],
        ['system.settingsChanged', { provider: 'cpu', cpuThreads: 0 }],
      ]);
    } finally {
      watcher.stop();
    }
  });

  it('says nothing again of a save the system service here announced', () => {
    const { here, events } = twoProcesses();
    const heard: [EventName, unknown][] = [];
    const watcher = new SettingsWatcher({ settings: () => here.settings(), events });
    try {
      watcher.start(3_600_000);
      events.subscribe((name, payload) => heard.push([name, payload]));
      here.saveSettings({ provider: 'webgpu', cpuThreads: 2 });
      expect(heard).toEqual([['system.settingsChanged', { provider: 'webgpu', cpuThreads: 2 }]]);
      watcher.poll();
      expect(heard).toHaveLength(1);
    } finally {
      watcher.stop();
    }
  });

  it('announces settings another process left unreadable as the defaults with their warning', () => {
    const { here, there, events, dataDir } = twoProcesses();
    there.saveSettings({ provider: 'cpu', cpuThreads: 2 });
    const heard: [EventName, unknown][] = [];
    events.subscribe((name, payload) => heard.push([name, payload]));
    const watcher = new SettingsWatcher({ settings: () => here.settings(), events });
    try {
      watcher.start(3_600_000);
      stores[0].db.prepare("UPDATE settings SET value_json = '{\"provider' WHERE key = 'app'").run();
      watcher.poll();
      expect(heard).toHaveLength(1);
      expect(heard[0][1]).toMatchObject({ provider: 'auto', cpuThreads: 0 });
      expect((heard[0][1] as { warning: string }).warning).toContain(`saved settings in ${dataDir}/spanfill.db`);
      there.saveSettings({ cpuThreads: 1 });
      watcher.poll();
      expect(heard[1]).toEqual(['system.settingsChanged', { provider: 'auto', cpuThreads: 1 }]);
    } finally {
      watcher.stop();
    }
  });
});
