// bench/torch_t5.py, the PyTorch side of `bench compare`, checked to be the same model as
// Spanfill's: its loss on both golden fixtures (v1.0 relu/tied and v1.1 gated/untied with
// H·Dk ≠ D and more decoder than encoder layers) equals the float64 reference, its parameter
// count equals ours for every preset, and a tiny training run prints a result bench compare
// reads. Needs a python with torch (Debian: apt-get install python3-torch).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTorchTrainResult } from '../../src/main/engine/bench/compare';
import { findTorchPython, INSTALL_TORCH, torchScript } from '../../src/main/cli/commands/bench-compare';
import { loadT5Config, t5Preset, T5_PRESET_NAMES, toHfConfigJson } from '../../src/main/engine/t5/config';
import { countParams, t5ParamShapes } from '../../src/main/engine/t5/params';

const run = promisify(execFile);
const fixtures = join(__dirname, '../fixtures/t5');
let python = '';

async function torchT5(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(python, [torchScript(__dirname), ...args]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  const { found, tried } = await findTorchPython({ PATH: process.env.PATH }, new AbortController().signal);
  if (!found) throw new Error(`These tests need PyTorch (${JSON.stringify(tried)}): ${INSTALL_TORCH}`);
  python = found.python;
});

describe('bench/torch_t5.py', () => {
  it('reproduces the golden loss of both fixtures', async () => {
    const names = ['t5-tiny-relu', 't5-tiny-gated'];
    const { cases } = (await torchT5('case', ...names.map((n) => join(fixtures, n)))) as { cases: { loss: number }[] };
    names.forEach((name, i) => {
      const golden = JSON.parse(readFileSync(join(fixtures, name, 'case.json'), 'utf8')) as { loss: number };
      expect([name, Math.abs(cases[i].loss - golden.loss) / golden.loss < 1e-7]).toEqual([name, true]);
    });
  });

  it('counts as many parameters as Spanfill for every preset', async () => {
    const configs = T5_PRESET_NAMES.map(t5Preset);
    const result = await torchT5('count', '--config-json', JSON.stringify(configs.map(toHfConfigJson)));
    expect(result.parameters).toEqual(configs.map((c) => countParams(t5ParamShapes(c))));
  });

  it('prints a training result bench compare can read, for the shapes asked', async () => {
    const dir = join(fixtures, 't5-tiny-gated');
    const args = ['--batch', '2', '--inputs', '6', '--targets', '3', '--steps', '2', '--warmup', '2', '--threads', '1'];
    const { stdout } = await run(python, [
      torchScript(__dirname),
      'train',
      '--config',
      join(dir, 'config.json'),
      ...args,
    ]);
    const result = parseTorchTrainResult(stdout, 'torch_t5.py');
    expect([result.batchSize, result.inputLength, result.targetLength, result.threads]).toEqual([2, 6, 3, 1]);
    expect(result.parameters).toBe(countParams(t5ParamShapes(loadT5Config(dir))));
    expect(result.losses).toHaveLength(4); // 2 warm-up + 2 timed
    expect(result.losses.every(Number.isFinite)).toBe(true);
    expect(result.tokensPerSecond).toBeCloseTo((2 * (6 + 3) * 1000) / result.msPerStep, 6);
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(result.device).toBe('cpu');
  });

  // CUDA refuses a CPU tensor beside its own (an index, a mask); so does the meta device, which
  // this machine has: a forward and backward there proves the model makes every tensor on the
  // weights' device (the first H200 run failed on position ids built on the CPU).
  it("builds every tensor of a step on the weights' device", async () => {
    const config = join(fixtures, 't5-tiny-gated', 'config.json');
    const program = [
      'import json, sys, torch',
      'from t5_model import T5, T5Config',
      'model = T5(T5Config(json.load(open(sys.argv[1])))).to("meta")',
      'ids = torch.zeros(2, 6, dtype=torch.long, device="meta")',
      'loss = model(ids, torch.ones_like(ids), ids[:, :3])',
      'loss.backward()',
      'print(loss.device, model.shared.weight.grad.device)',
    ].join('\n');
    const { stdout } = await run(python, ['-c', program, config], { cwd: dirname(torchScript(__dirname)) });
    expect(stdout.trim()).toBe('meta meta');
  });

  it('runs on CUDA with --device cuda, or says this torch has none', async () => {
    const { stdout: probe } = await run(python, ['-c', 'import torch; print(torch.cuda.is_available())']);
    const args = [torchScript(__dirname), 'train', '--config', join(fixtures, 't5-tiny-gated', 'config.json')];
    const tiny = ['--batch', '2', '--inputs', '6', '--targets', '3', '--steps', '1', '--device', 'cuda'];
    if (probe.trim() === 'True') {
      const result = parseTorchTrainResult((await run(python, [...args, ...tiny])).stdout, 'torch_t5.py');
      expect(result.device).toBe('cuda');
      expect(result.peakDeviceMb).toBeGreaterThan(0);
    } else {
      await expect(run(python, [...args, ...tiny])).rejects.toMatchObject({
        stderr: expect.stringContaining('--device cuda: this PyTorch (') as unknown,
      });
    }
  });
});
