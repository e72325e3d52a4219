// `spanfill settings`: the saved provider and CPU threads, shown and changed through the same
// calls as the Settings screen, and what a new run then starts with.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppServices } from '../../../../src/main/services/app';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runSpanfill as cli } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';

const tempDir = tempDirs('spanfill-settings-cli-');

describe('spanfill settings', () => {
  it('shows the defaults, changes one setting or both, and the services read what it saved', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const data = ['--data-dir', dataDir];
    const shown = await cli(['settings', ...data]);
    expect(shown.stdout.trim().split('\n')).toEqual(['Provider     auto', 'CPU threads  0 (one per core)']);
    expect(JSON.parse((await cli(['settings', 'threads', '3', '--json', ...data])).stdout)).toEqual({
      provider: 'auto',
      cpuThreads: 3,
    });
    const both = await cli(['settings', 'provider', 'cpu', 'threads', '0', ...data]);
    expect(both.stdout.trim().split('\n')).toEqual(['Provider     cpu', 'CPU threads  0 (one per core)']);
    const app = new AppServices({ dataDir, env: {} });
    try {
      expect(app.system.settings()).toEqual({ provider: 'cpu', cpuThreads: 0 });
    } finally {
      await app.close();
    }
  });

  it('refuses what it cannot save, saying what it takes, and keeps the saved settings', async () => {
    const data = ['--data-dir', path.join(tempDir(), 'data')];
    const cases: [string[], string][] = [
      [['provider', 'gpu'], "provider must be one of: auto, cpu, cuda, webgpu, dml; got 'gpu'"],
      [['threads', 'x'], "threads must be a whole number, 0 for one per core; got 'x'"],
      [['threads', '2000'], 'threads must be ≤ 1024'],
      [['colour', 'blue'], "unknown setting 'colour'; expected provider or threads"],
      [['provider'], "settings takes pairs: provider P, threads N; got 'provider'"],
    ];
    for (const [words, message] of cases) {
      const refused = await cli(['settings', ...words, ...data]);
      expect(refused.code, words.join(' ')).toBe(exitCodes.usage);
      expect(refused.stderr).toContain(message);
    }
    expect((await cli(['settings', '--json', ...data])).stdout).toBe('{"provider":"auto","cpuThreads":0}\n');
  });
});
