// bench/device: the kit pack.mjs makes runs Spanfill's CLI and engine host with nothing but
// itself (its node, its bundle, its native packages: it is unpacked outside the checkout, where
// no node_modules can be found), and measure.mjs writes one JSON line per plan item, skipping
// the items whose time limit no longer fits the budget. The GPU machine runs the same files.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANS } from '../../../bench/device/measure.mjs';

const run = promisify(execFile);
const deviceDir = path.join(__dirname, '../../../bench/device');
let out = '';

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'spanfill-kit-'));
  await run(process.execPath, [path.join(deviceDir, 'pack.mjs'), '--out', out, '--no-compress', '--no-debs']);
}, 120_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('bench/device kit', () => {
  it('holds its own node, the bundled CLI and host, the native packages, resources and torch_t5.py', () => {
    const kit = path.join(out, 'kit');
    for (const file of [
      'node',
      'app/cli.js',
      'app/host.js',
      'app/package.json',
      'app/resources/sample/sample.txt',
      'app/bench/torch_t5.py',
      'app/bench/t5_model.py',
      'app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'app/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    ])
      expect(fs.existsSync(path.join(kit, file)), file).toBe(true);
  });

  it('runs a plan from outside the checkout: one line per item, a skip where the budget ends', async () => {
    const results = path.join(out, 'results', 'measure.jsonl');
    const kit = path.join(out, 'kit');
    // 130 s: room for system (60) and the CPU step (120) when they start, not for the 180 s items.
    const args = ['--kit', kit, '--out', results, '--plan', 'quick', '--budget', '130'];
    await run(path.join(kit, 'node'), [path.join(deviceDir, 'measure.mjs'), ...args], { cwd: out });
    const lines = fs
      .readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.kind ?? line.name)).toEqual([
      'machine',
      'system',
      'cpu B=2 16/8',
      'webgpu compare B=2 16/8',
      'webgpu B=2 16/8',
    ]);
    expect(lines[0]).toMatchObject({ cores: os.availableParallelism(), node: process.version });
    expect(lines[1]).toMatchObject({ exitCode: 0, result: { providers: expect.any(Array) as unknown } });
    expect(lines[2]).toMatchObject({
      exitCode: 0,
      result: { provider: 'cpu', isFullyPlaced: true, batchSize: 2, inputLength: 16, targetLength: 8 },
    });
    for (const skipped of lines.slice(3))
      expect(skipped.skipped).toMatch(/^needs up to 180 s, \d+ s of the budget left$/);
  }, 180_000);

  it('refuses what it does not know, naming it', async () => {
    await expect(run(process.execPath, [path.join(deviceDir, 'pack.mjs'), '--zip'])).rejects.toMatchObject({
      stderr: expect.stringContaining("unknown argument '--zip'") as unknown,
    });
    const measure = [path.join(deviceDir, 'measure.mjs'), '--kit', out, '--out', path.join(out, 'x.jsonl')];
    await expect(run(process.execPath, [...measure, '--plan', 'huge'])).rejects.toMatchObject({
      stderr: expect.stringContaining(`--plan must be one of ${Object.keys(PLANS).join(', ')}`) as unknown,
    });
    // Run through a linked folder it still runs (and refuses), rather than exit 0 having done nothing.
    const linked = path.join(out, 'linked-device');
    fs.symlinkSync(deviceDir, linked);
    await expect(run(process.execPath, [path.join(linked, 'measure.mjs'), '--plan', 'huge'])).rejects.toMatchObject({
      stderr: expect.stringContaining('--kit DIR and --out FILE are required') as unknown,
    });
  });
});
