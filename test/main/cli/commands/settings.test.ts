// `spanfill settings`: the saved provider and CPU threads, shown and changed through the same
// calls as the Settings screen, and what a new run then starts with; a stored value it cannot
// read shows as the defaults with a warning on stderr, and saving replaces it.

import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppServices } from '../../../../src/main/services/app';
import { openStore } from '../../../../src/main/store/db';
import { exitCodes } from '../../../../src/main/cli/exit-codes';
import { runSpanfill as cli } from '../../../support/cli';
import { tempDirs } from '../../../support/tmp';
import { importTexts, SPM } from './train-support';

const tempDir = tempDirs('spanfill-settings-cli-');

describe('spanfill settings', () => {
  it('shows the defaults, changes one setting or both, and the services read what it saved', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const data = ['--data-dir', dataDir];
    const shown = await cli(['settings', ...data]);
    expect(shown.stdout.trim().split('\n')).toEqual(['Provider     auto', 'CPU threads  0 (one per core)']);
    expect(JSON.parse((await cli(['settings', 'threads', '1', '--json', ...data])).stdout)).toEqual({
      provider: 'auto',
      cpuThreads: 1,
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
      [['threads', 'x'], "threads must be 0 (one per core) or a positive integer; got 'x'"],
      [['threads', '1.5'], "threads must be 0 (one per core) or a positive integer; got '1.5'"],
      [['threads', '2000'], 'threads must be ≤ 1024'],
      [['colour', 'blue'], "unknown setting 'colour'; expected provider or threads"],
      [['provider'], "settings takes pairs: provider P, threads N; got 'provider'"],
      [['threads', '-1'], "unknown option -1; to give an argument that starts with '-', put -- before it (-- -1)"],
      [['threads', '--', '-1'], "threads must be 0 (one per core) or a positive integer; got '-1'"],
      [['provider', 'webgpu', 'provider', 'cpu'], "provider is given twice ('webgpu', then 'cpu'); give it once"],
      [['threads', '2', 'provider', 'cpu', 'threads', '2'], "threads is given twice ('2', then '2'); give it once"],
    ];
    for (const [words, message] of cases) {
      const refused = await cli(['settings', ...words, ...data]);
      expect(refused.code, words.join(' ')).toBe(exitCodes.usage);
      expect(refused.stderr).toContain(message);
    }
    expect((await cli(['settings', '--json', ...data])).stdout).toBe('{"provider":"auto","cpuThreads":0}\n');
  });
});

describe('spanfill settings threads N', () => {
  it("saves more threads than the machine's, noting on stderr (--json: threadsNote) what that costs", async () => {
    const data = ['--data-dir', path.join(tempDir(), 'data')];
    const over = os.availableParallelism() + 1;
    const saved = await cli(['settings', 'threads', String(over), '--json', ...data]);
    expect(saved.code, saved.stderr).toBe(0);
    const note =
      `threads ${over}: More than this machine's ${os.availableParallelism()} CPU threads: the extra ones only ` +
      'take turns on the same cores, which is usually slower, not faster.';
    expect(JSON.parse(saved.stdout)).toEqual({ provider: 'auto', cpuThreads: over, threadsNote: note });
    expect(saved.stderr).toBe(`${note}\n`);
    const within = await cli(['settings', 'threads', String(os.availableParallelism()), ...data]);
    expect([within.code, within.stderr]).toEqual([0, '']);
  });
});

describe('spanfill settings provider P, where P does not load', () => {
  it('saves it, saying on stderr and in --json (providerNote) that it does not load here and what runs then do', async () => {
    const data = ['--data-dir', path.join(tempDir(), 'data')];
    // DirectML loads only on Windows; the CPU and auto always do, and are saved without a probe.
    const saved = await cli(['settings', 'provider', 'dml', '--json', ...data]);
    expect(saved.code, saved.stderr).toBe(0);
    const result = JSON.parse(saved.stdout) as { provider: string; providerNote?: string };
    expect(result).toEqual({
      provider: 'dml',
      cpuThreads: 0,
      providerNote: expect.stringMatching(
        /^provider 'dml' is not available on this machine \(.+\); saved all the same: a new run that takes the saved provider is refused here until it loads \(`spanfill system --data-dir \S+` says what loads\); `--provider auto` or another provider trains one$/,
      ),
    });
    expect(saved.stderr).toBe(`${result.providerNote}\n`);
    for (const provider of ['cpu', 'auto']) {
      const quiet = await cli(['settings', 'provider', provider, ...data]);
      expect([quiet.code, quiet.stderr]).toEqual([0, '']);
    }
  });
});

describe('spanfill settings over a stored value it cannot read', () => {
  it('shows the defaults, warns once on stderr, and a save replaces the value', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const data = ['--data-dir', dataDir];
    expect((await cli(['settings', 'threads', '1', ...data])).code).toBe(exitCodes.ok);
    const store = openStore(dataDir);
    store.db.prepare("UPDATE settings SET value_json = ? WHERE key = 'app'").run('{"provider":"auto","cpuThr');
    store.close();
    const shown = await cli(['settings', ...data]);
    expect(shown.code).toBe(exitCodes.ok);
    expect(shown.stdout.trim().split('\n')).toEqual(['Provider     auto', 'CPU threads  0 (one per core)']);
    const warning = `The saved settings in ${dataDir}/spanfill.db cannot be read (not JSON: `;
    expect(shown.stderr.split(warning)).toHaveLength(2);
    expect(shown.stderr).toContain(
      `until settings are saved again (\`spanfill settings --data-dir ${dataDir}\`, or the Settings screen)`,
    );
    const json = await cli(['settings', '--json', ...data]);
    expect(JSON.parse(json.stdout)).toMatchObject({ provider: 'auto', cpuThreads: 0 });
    expect((JSON.parse(json.stdout) as { warning: string }).warning).toContain(warning);
    // A run takes the defaults, said once; one whose flags name both settings reads none.
    const dataset = await importTexts(dataDir, ['the cat sat on the mat', 'a dog ran in the park']);
    const run = ['train', '--dataset', dataset, '--model', SPM, '--max-steps', '2', '--estimate', ...data];
    const estimated = await cli(run);
    expect(estimated.code, estimated.stderr).toBe(exitCodes.ok);
    expect(estimated.stderr.split(warning)).toHaveLength(2);
    expect((await cli([...run, '--provider', 'cpu', '--threads', '1'])).stderr).not.toContain(warning);
    const saved = await cli(['settings', 'threads', '2', ...data]);
    expect(saved).toMatchObject({ code: exitCodes.ok, stderr: '' });
    expect(await cli(['settings', '--json', ...data])).toMatchObject({
      code: exitCodes.ok,
      stdout: '{"provider":"auto","cpuThreads":2}\n',
      stderr: '',
    });
  });
});
