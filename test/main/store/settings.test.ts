// The settings repository (store/settings.ts): a stored value whose text is not JSON (edited by
// hand, cut short) reads as unreadable with the parser's reason, not as an exception, and a set()
// replaces it without reading it.

import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/main/store/db';
import { SettingsRepository } from '../../../src/main/store/settings';
import { tempDirs } from '../../support/tmp';

const tempDir = tempDirs('spanfill-settings-store-');
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function open(): { settings: SettingsRepository; store: Store } {
  const store = openStore(tempDir());
  stores.push(store);
  return { settings: new SettingsRepository(store.db), store };
}

describe('SettingsRepository', () => {
  it('reads a value back, and an absent key as absent', () => {
    const { settings } = open();
    settings.set('app', { provider: 'cpu' });
    expect(settings.read('app')).toEqual({ state: 'stored', value: { provider: 'cpu' } });
    expect(settings.get('app')).toEqual({ provider: 'cpu' });
    expect(settings.read('other')).toEqual({ state: 'absent' });
    expect(settings.get('other')).toBeUndefined();
  });

  it('reads text that is not JSON as unreadable, saying why, and set() replaces it', () => {
    const { settings, store } = open();
    settings.set('app', { provider: 'cpu' });
    store.db.prepare("UPDATE settings SET value_json = ? WHERE key = 'app'").run('{"provider":"auto","cpuThr');
    const read = settings.read('app');
    expect(read.state).toBe('unreadable');
    expect(read.state === 'unreadable' ? read.reason : '').toMatch(/JSON/);
    expect(settings.get('app')).toBeUndefined();
    settings.set('app', { provider: 'webgpu' });
    expect(settings.get('app')).toEqual({ provider: 'webgpu' });
  });
});
