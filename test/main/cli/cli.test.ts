// CLI tests: help and exit codes, `system` (text and --json), usage errors, a refused
// database, and the real `bin/spanfill.mjs` entry for `system --json` and `serve`.

import { commands } from '../../../src/main/cli/commands';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import { databaseFileName, openStore } from '../../../src/main/store/db';
import type { SystemInfo } from '../../../src/shared/contract';
import { runSpanfill as cli } from '../../support/cli';
import { tempDirs } from '../../support/tmp';

const ortVersion = (createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string }).version;
// Written out here (not derived from the code) so a renamed or dropped field fails the test.
const systemInfoKeys = [
  'appVersion',
  'arch',
  'cpuThreads',
  'dataDir',
  'isDataDirChosen',
  'nodeVersion',
  'platform',
  'providers',
  'schemaVersion',
  'ortVersion',
  'ortTelemetry',
].sort();

const tempDir = tempDirs('spanfill-cli-');

describe('spanfill (in process)', () => {
  it('lists commands, common options and exit codes in --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/serve\s+Serve the Spanfill UI/);
    expect(stdout).toMatch(/system\s+Show versions/);
    expect(stdout).toContain('--data-dir DIR');
    expect(stdout).toContain('a leading ~ is your home folder, even in --data-dir=~/DIR');
    expect(stdout).toContain('Exit codes:');
  });

  it('shows per-command help', async () => {
    const { code, stdout } = await cli(['serve', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: spanfill serve [--port N]');
    expect(stdout).toContain('--json');
  });

  it("ends every command's usage lines with the common options, once each (they go before or after it)", async () => {
    // settings, import, datasets, mask, models and fill left out --data-dir; demo, system and serve had it.
    for (const command of commands) {
      const { stdout } = await cli([command.name, '--help']);
      const usage = stdout.slice(0, stdout.indexOf('\n\n')).split('\n');
      expect(usage[0], command.name).toMatch(new RegExp(`^Usage: spanfill ${command.name} `));
      for (const line of usage) {
        expect(line, command.name).toMatch(/ \[--data-dir DIR\] \[--json\]$/);
        expect(line.split('--data-dir').length, line).toBe(2);
        expect(line.split('--json').length, line).toBe(2);
      }
    }
  });

  it('shows the arguments bench import takes in the bench usage', async () => {
    const { stdout } = await cli(['bench', '--help']);
    expect(stdout.slice(0, stdout.indexOf('\n'))).toContain(
      '| import [SIZE_MB [MODEL|bytes|t5-standin [TOKENIZE_MB]]])',
    );
  });

  it('prints one JSON result for system --json', async () => {
    const dataDir = tempDir();
    const { code, stdout } = await cli(['system', '--json', '--data-dir', dataDir]);
    expect(code).toBe(0);
    // The bare result object, no envelope around it.
    const parsed = JSON.parse(stdout) as SystemInfo;
    expect(Object.keys(parsed).sort()).toEqual(systemInfoKeys);
    expect(parsed.dataDir).toBe(dataDir);
    expect(parsed.isDataDirChosen).toBe(true); // by --data-dir: commands shown name it
    expect(parsed.ortVersion).toBe(ortVersion);
    expect(parsed.providers.find((provider) => provider.name === 'cpu')).toEqual({
      name: 'cpu',
      available: true,
    });
    expect(parsed.cpuThreads).toBe(os.availableParallelism());
  });

  it('takes the data directory from SPANFILL_DATA_DIR and prints text without --json', async () => {
    const dataDir = tempDir();
    const { code, stdout } = await cli(['system'], { SPANFILL_DATA_DIR: dataDir });
    expect(code).toBe(0);
    expect(stdout).toContain(`Data directory  ${dataDir}`);
    expect(stdout).toContain("Telemetry       onnxruntime's is off (ORT_DISABLE_TELEMETRY=1); Spanfill sends none");
    expect(stdout).toMatch(/cpu\s+available/);
    // The machine's count, told apart from the threads a run takes (`spanfill settings`, which
    // names the data directory SPANFILL_DATA_DIR chose, so that pasted it reads this one).
    expect(stdout).toContain(
      `CPU threads     ${os.availableParallelism()} (this machine's logical CPUs; how many a run takes: \`spanfill settings --data-dir ${dataDir}\`)`,
    );
  });

  it('takes the common options before the command too, and names any other leading option', async () => {
    const dataDir = tempDir();
    for (const argv of [
      ['--data-dir', dataDir, 'system', '--json'],
      ['--json', `--data-dir=${dataDir}`, 'system'],
      ['--json', 'system', '--data-dir', dataDir],
    ]) {
      const { code, stdout } = await cli(argv);
      expect(code, argv.join(' ')).toBe(0);
      expect((JSON.parse(stdout) as SystemInfo).dataDir).toBe(dataDir);
    }
    expect((await cli(['--data-dir', dataDir])).stdout).toContain('Usage: spanfill <command> [options]');
    const other = await cli(['--verbose', 'system', '--data-dir', dataDir]);
    expect(other.code).toBe(exitCodes.usage);
    expect(other.stderr).toContain("spanfill: '--verbose' goes after the command (spanfill <command> [options])");
  });

  it('exits 2 on an unknown command, an unknown flag or a bad value', async () => {
    expect((await cli(['frobnicate'])).code).toBe(exitCodes.usage);
    const badFlag = await cli(['system', '--frob', '--data-dir', tempDir()]);
    expect(badFlag.code).toBe(exitCodes.usage);
    expect(badFlag.stderr).toContain('unknown option --frob');
    const badPort = await cli(['serve', '--port', 'eighty', '--json', '--data-dir', tempDir()]);
    expect(badPort.code).toBe(exitCodes.usage);
    expect(JSON.parse(badPort.stdout)).toEqual({
      error: { code: 'invalid_argument', message: "--port must be an integer from 0 to 65535, got 'eighty'" },
    });
    expect(badPort.stderr).toBe('');
  });

  it('answers --json failures with one {"error"} document and the documented exit code', async () => {
    const unknown = await cli(['frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({
      error: {
        code: 'invalid_argument',
        message: `unknown command 'frobnicate'; expected one of: ${commands.map((c) => c.name).join(', ')}`,
      },
    });
    const badFlag = await cli(['system', '--frob', '--json', '--data-dir', tempDir()]);
    expect(badFlag.code).toBe(2);
    expect(JSON.parse(badFlag.stdout)).toMatchObject({ error: { code: 'invalid_argument' } });
    expect(JSON.parse(badFlag.stdout).error.message).toContain('unknown option --frob');

    const dataDir = tempDir();
    openStore(dataDir).close();
    const raw = new Database(path.join(dataDir, databaseFileName));
    raw.pragma('user_version = 999');
    raw.close();
    const newer = await cli(['system', '--json', '--data-dir', dataDir]);
    expect(newer.code).toBe(3);
    const lines = newer.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      error: { code: 'unavailable', message: expect.stringContaining('newer version of Spanfill') },
    });
    expect(newer.stderr).toBe('');
  });

  it('exits 3 when the database belongs to a newer Spanfill', async () => {
    const dataDir = tempDir();
    openStore(dataDir).close();
    const raw = new Database(path.join(dataDir, databaseFileName));
    raw.pragma('user_version = 999');
    raw.close();
    const { code, stderr } = await cli(['system', '--data-dir', dataDir]);
    expect(code).toBe(exitCodes.store);
    expect(stderr).toContain('newer version of Spanfill');
  });

  it('exits 3 when the data directory cannot hold a database', async () => {
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, 'not a directory');
    const { code, stderr } = await cli(['system', '--data-dir', file]);
    expect(code).toBe(exitCodes.store);
    // A folder is what it needs, not a backup (nothing is damaged).
    expect(stderr).toContain(`The data directory ${file} cannot be used: `);
    expect(stderr).toContain(`${file} is a file; give a folder with --data-dir.`);
    expect(stderr).not.toContain('backup');
  });

  it('explains how to build when serve has no built UI', async () => {
    const { code, stderr } = await cli(['serve', '--data-dir', tempDir()], { SPANFILL_RENDERER_DIR: tempDir() });
    expect(code).toBe(exitCodes.failure);
    expect(stderr).toContain('npm run build');
  });
});

const bin = path.resolve('bin/spanfill.mjs');

describe('bin/spanfill.mjs', () => {
  it('runs system --json from source', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, [bin, 'system', '--json', '--data-dir', dataDir], {
      env: { ...process.env, SPANFILL_FROM_SOURCE: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as SystemInfo).dataDir).toBe(dataDir);
  });

  it('serves until interrupted, printing the URL as JSON first', async () => {
    const rendererDir = tempDir();
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>served</title>');
    const child = spawn(process.execPath, [bin, 'serve', '--json', '--data-dir', tempDir()], {
      env: { ...process.env, SPANFILL_FROM_SOURCE: '1', SPANFILL_RENDERER_DIR: rendererDir },
    });
    const line = await new Promise<string>((resolve) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        if (buffered.includes('\n')) resolve(buffered.split('\n')[0]);
      });
    });
    const result = JSON.parse(line) as { url: string; token: string; port: number; dataDir: string };
    expect(Object.keys(result).sort()).toEqual(['dataDir', 'port', 'token', 'url']);
    expect(result.url).toBe(`http://127.0.0.1:${result.port}/?token=${result.token}`);
    expect(await (await fetch(result.url)).text()).toContain('served');
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
