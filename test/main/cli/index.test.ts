// The `spanfill` entry (src/main/cli/index.ts) stops on Ctrl-C at any moment (issue #9,
// item 3): a real process, signalled as a terminal does (SIGINT to its process group, engine
// host included), during an import of a large file, while `datasets show --model` tokenizes
// and during `fill`, ends with status 130 within 5 s and leaves no half-imported dataset; one
// while the CLI still loads does nothing and still answers (under --json, its error document).
// `serve` stopped during an import a client started (no signal reaches that call: the
// services' close() cancels it) also leaves none.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodes } from '../../../src/main/cli/exit-codes';
import type { DatasetSummary } from '../../../src/shared/contract/datasets';
import { jsonResult, runSpanfill } from '../../support/cli';
import { hasEngineHost, startCli, waitUntil, type CliProcess } from '../../support/cli-process';
import { connectClient, startServeProcess } from '../../support/serve-process';
import { storedDatasets } from '../../support/store-peek';
import { tempDirs } from '../../support/tmp';

const stopBudgetMs = 5000;
const spmDir = path.resolve(import.meta.dirname, '../../fixtures/t5/t5-tiny-spm');
const tempDir = tempDirs('spanfill-ctrlc-');
const started: CliProcess[] = [];
afterEach(() => {
  for (const cli of started.splice(0)) cli.kill();
});

/** The command lines of process `pid`'s children (Linux `ps`). */
function childArgs(pid: number): string[] {
  try {
    return execFileSync('ps', ['-ww', '-o', 'args=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n');
  } catch {
    return []; // ps exits 1 when it lists nothing
  }
}

function start(args: string[], dataDir: string): CliProcess {
  const cli = startCli([...args, '--data-dir', dataDir]);
  started.push(cli);
  return cli;
}

/** A text file of `paragraphs` distinct paragraphs (about 36 bytes each). */
function bigText(dir: string, paragraphs: number): string {
  const file = path.join(dir, 'big.txt');
  const text = Array.from({ length: paragraphs }, (_, i) => `paragraph ${i} of a long text file`).join('\n\n');
  fs.writeFileSync(file, text);
  return file;
}

/** Files under `dir` whose name matches `pattern` (none when dir is absent). */
function filesMatching(dir: string, pattern: RegExp): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => pattern.test(name));
}

async function expectInterrupted(cli: CliProcess): Promise<void> {
  const { status, ms } = await cli.ctrlC();
  expect(status, cli.stderr()).toBe(exitCodes.interrupted);
  expect(ms, 'milliseconds from Ctrl-C to exit').toBeLessThan(stopBudgetMs);
  expect(cli.stderr()).toContain('interrupted; nothing half-done was kept');
}

describe.runIf(process.platform === 'linux')('Ctrl-C stops every command (exit 130)', () => {
  it('during an import of a large file, leaving no dataset', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const cli = start(['import', bigText(dir, 1_500_000)], dataDir);
    await waitUntil(() => storedDatasets(dataDir).statuses.includes('importing'), 'the import has started');
    await expectInterrupted(cli);
    expect(storedDatasets(dataDir)).toEqual({ statuses: [], documents: 0 });
  });

  it('while datasets show --model tokenizes, leaving the dataset as it was', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const imported = await runSpanfill(['import', bigText(dir, 150_000), '--json', '--data-dir', dataDir]);
    expect(imported.code, imported.stderr).toBe(exitCodes.ok);
    const { id } = jsonResult<DatasetSummary>(imported.stdout);
    const before = storedDatasets(dataDir);
    const cli = start(['datasets', 'show', id, '--model', spmDir], dataDir);
    const tokenDir = path.join(dataDir, 'tokens');
    await waitUntil(() => filesMatching(tokenDir, /\.tmp-/).length > 0, 'the token cache is being written');
    await expectInterrupted(cli);
    expect(storedDatasets(dataDir)).toEqual(before);
    expect(before.statuses).toEqual(['ready']);
    // No finished cache was written: the next show builds it from scratch.
    expect(filesMatching(tokenDir, /\.tokens$/)).toEqual([]);
  });

  it('during fill, while the engine host generates', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const prompt = 'The <extra_id_0> walks in <extra_id_1> park';
    const cli = start(['fill', '--model', spmDir, '--beams', '64', '--max-new-tokens', '512', prompt], dataDir);
    await waitUntil(() => hasEngineHost(cli), 'the engine host has started');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await expectInterrupted(cli);
    expect(cli.stdout()).toBe('');
  });

  it('a second Ctrl-C ends it at once, saying so, and under --json as its one error document', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const sample = path.resolve(import.meta.dirname, '../../../resources/sample/sample.txt');
    const imported = await runSpanfill(['import', sample, '--json', '--data-dir', dataDir]);
    expect(imported.code, imported.stderr).toBe(exitCodes.ok);
    const { id } = jsonResult<DatasetSummary>(imported.stdout);
    // Calls of 100 steps at batch 32: the first Ctrl-C waits seconds for the call to end.
    const long = ['--max-steps', '1000', '--steps-per-call', '100', '--batch-size', '32', '--input-length', '256'];
    const cli = start(['train', '--dataset', id, '--model', 'builtin:byt5-tiny', ...long, '--json'], dataDir);
    // The run's folder is made as it starts; then the engine host is in its first call.
    await waitUntil(() => filesMatching(path.join(dataDir, 'runs'), /checkpoints$/).length > 0, 'the run has started');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    process.kill(-(cli.child.pid as number), 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { status } = await cli.ctrlC();
    expect(status).toBe(exitCodes.interrupted);
    const message =
      'interrupted twice: stopped at once, without waiting to save; a training run keeps the checkpoints ' +
      `it had saved, and \`spanfill runs resume ID --data-dir ${dataDir}\` continues from the last one`;
    expect(JSON.parse(cli.stdout())).toEqual({ error: { code: 'cancelled', message } });
    expect(cli.stderr()).toContain(`spanfill: ${message}`);
  });

  it('while it is still loading: nothing done, and under --json its one error document', async () => {
    const cli = start(['system', '--json'], path.join(tempDir(), 'data'));
    // From source the CLI loads for about 2 s here; bin/spanfill.mjs listens from about 0.15 s on.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const { status } = await cli.ctrlC();
    expect(status, cli.stderr()).toBe(exitCodes.interrupted);
    expect(JSON.parse(cli.stdout())).toEqual({
      error: { code: 'cancelled', message: 'interrupted before it started; nothing was done' },
    });
  });

  // tsx's cache cold (a fresh clone, an edited file): tsx runs an esbuild service, a child in the
  // same process group, which the terminal's Ctrl-C ends too; the CLI then failed to load, with
  // esbuild's TransformError stack and exit 1.
  it('while it is still loading with a cold cache: the same, not a stack of the load that failed', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const cli = startCli(['system', '--json', '--data-dir', dataDir], { TMPDIR: tempDir() });
    started.push(cli);
    const pid = cli.child.pid as number;
    await waitUntil(() => childArgs(pid).some((args) => /esbuild/.test(args)), "tsx's esbuild service has started");
    const { status } = await cli.ctrlC();
    expect(status, cli.stderr()).toBe(exitCodes.interrupted);
    expect(JSON.parse(cli.stdout())).toEqual({
      error: { code: 'cancelled', message: 'interrupted before it started; nothing was done' },
    });
    expect(cli.stderr()).not.toMatch(/Error| {4}at /);
  });

  it('serve, during an import a client started, leaving no importing row', async () => {
    const serve = await startServeProcess();
    try {
      const socket = await connectClient(serve);
      socket.on('error', () => undefined); // the server going away is the point
      socket.send(JSON.stringify({ id: 1, call: 'datasets.import', args: { paths: [bigText(tempDir(), 1_500_000)] } }));
      await waitUntil(() => storedDatasets(serve.dataDir).statuses.includes('importing'), 'the import has started');
      const sent = Date.now();
      serve.child.kill('SIGINT');
      // Ctrl-C is how serve ends: exit 0, as `spanfill --help` says.
      expect(await serve.exited, serve.stderr()).toEqual({ code: exitCodes.ok, signal: null });
      expect(Date.now() - sent, serve.stderr()).toBeLessThan(stopBudgetMs);
      expect(storedDatasets(serve.dataDir)).toEqual({ statuses: [], documents: 0 });
    } finally {
      await serve.stop();
    }
  });
});

describe('a reader that closed its end of stdout (`spanfill … | head -1`)', () => {
  it('ends the command quietly, its work done: no stack trace of the closed pipe (EPIPE), exit 0', async () => {
    const dir = tempDir();
    const cli = start(['datasets', 'list'], path.join(dir, 'data'));
    cli.child.stdout?.destroy(); // closed before the command writes (it loads for a second or more)
    expect(await cli.status).toBe(exitCodes.ok);
    expect(cli.stderr()).toBe('');
  }, 60_000);
});
