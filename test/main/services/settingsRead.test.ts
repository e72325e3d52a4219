// Reading the stored settings back (services/settingsRead.ts): each field that does not read as a
// setting is its default, the others are kept, and the warning names the value, the database and
// the defaults that stand in; a field left out is its default without a word.

import { describe, expect, it } from 'vitest';
import { readAppSettings, readServedPort } from '../../../src/main/services/settingsRead';

const dataDir = '/data/spanfill';

describe('readAppSettings', () => {
  it('takes what reads and leaves out the warning when all does', () => {
    expect(readAppSettings({ state: 'absent' }, dataDir)).toEqual({ provider: 'auto', cpuThreads: 0 });
    expect(readAppSettings({ state: 'stored', value: { provider: 'dml', cpuThreads: 1024 } }, dataDir)).toEqual({
      provider: 'dml',
      cpuThreads: 1024,
    });
    expect(readAppSettings({ state: 'stored', value: { cpuThreads: 4, later: true } }, dataDir)).toEqual({
      provider: 'auto',
      cpuThreads: 4,
    });
  });

  it('falls back field by field, naming each value and the default that stands in', () => {
    const read = readAppSettings({ state: 'stored', value: { provider: 'webgpu', cpuThreads: 2.5 } }, dataDir);
    expect(read).toEqual({
      provider: 'webgpu',
      cpuThreads: 0,
      warning:
        'The saved settings in /data/spanfill/spanfill.db cannot be read (cpuThreads 2.5 is not a whole number ' +
        'from 0 to 1024); using CPU threads 0 (the default) until settings are saved again (`spanfill settings`, ' +
        'or the Settings screen), which replaces them.',
    });
  });

  it('takes the defaults for text that is not JSON or a value that is not an object', () => {
    const text = readAppSettings({ state: 'unreadable', reason: 'Unexpected end of JSON input' }, dataDir);
    expect(text).toMatchObject({ provider: 'auto', cpuThreads: 0 });
    expect(text.warning).toContain('(not JSON: Unexpected end of JSON input); using provider auto, CPU threads 0');
    const long = readAppSettings({ state: 'stored', value: 'x'.repeat(100) }, dataDir);
    expect(long.warning).toContain(`("${'x'.repeat(39)}… is not an object of provider and cpuThreads)`);
    expect(readAppSettings({ state: 'stored', value: null }, dataDir).warning).toContain('(null is not an object');
  });
});

describe('readServedPort', () => {
  it('reads a port, and says why anything else is none', () => {
    expect(readServedPort({ state: 'stored', value: 65_535 }, dataDir)).toEqual({ port: 65_535 });
    for (const value of [0, 65_536, 80.5, '8787'])
      expect(readServedPort({ state: 'stored', value }, dataDir).warning).toContain(
        `kept in /data/spanfill/spanfill.db, cannot be read (${JSON.stringify(value)} is not a port)`,
      );
    expect(readServedPort({ state: 'unreadable', reason: 'Bad' }, dataDir).warning).toContain('(not JSON: Bad)');
  });
});
