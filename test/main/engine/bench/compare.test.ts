// compareTrain() and parseTorchTrainResult(): ratio rows from two results written out here,
// issue #11's targets applied at exactly its shapes (CPU and GPU), a parameter mismatch flagged, and
// bad PyTorch output refused with a message that names the field; medianComparison() over rounds.
import { describe, expect, it } from 'vitest';
import type { TrainSide } from '../../../../src/main/engine/bench/compare';
import { compareTrain, medianComparison, parseTorchTrainResult } from '../../../../src/main/engine/bench/compare';
import { renderComparison } from '../../../../src/main/cli/commands/bench-compare';

const shape = { parameters: 60506624, batchSize: 8, inputLength: 128, targetLength: 29 };
// 8 · (128 + 29) = 1256 tokens per step.
const spanfill: TrainSide = { ...shape, msPerStep: 2000, tokensPerSecond: 628, peakRssMb: 3000 };
const pytorch: TrainSide = { ...shape, msPerStep: 5000, tokensPerSecond: 251.2, peakRssMb: 2500 };

describe('compareTrain', () => {
  it('gives Spanfill ÷ PyTorch per metric and checks issue #11 targets at batch 8, 128/29', () => {
    const c = compareTrain(spanfill, pytorch);
    expect(c.isSameModel).toBe(true);
    expect(c.rows.map((r) => [r.metric, r.spanfill, r.pytorch])).toEqual([
      ['ms/step', 2000, 5000],
      ['tokens/s', 628, 251.2],
      ['peak RSS MB', 3000, 2500],
    ]);
    const [ms, speed, rss] = c.rows;
    expect(ms.ratio).toBeCloseTo(0.4, 12);
    expect(speed.ratio).toBeCloseTo(2.5, 12);
    expect(rss.ratio).toBeCloseTo(1.2, 12);
    expect(ms.target).toBeUndefined();
    expect(speed.target).toEqual({ bound: 'at least', ratio: 2, isMet: true });
    expect(rss.target).toEqual({ bound: 'at most', ratio: 1.25, isMet: true });
  });

  it('holds 512/114 to ≥ 1.5× tokens/s and reports a miss', () => {
    const long = { ...shape, inputLength: 512, targetLength: 114 };
    const c = compareTrain(
      { ...long, msPerStep: 28400, tokensPerSecond: 176.3, peakRssMb: 8700 },
      { ...long, msPerStep: 23800, tokensPerSecond: 210.4, peakRssMb: 3900 },
    );
    expect(c.rows[1].target).toEqual({ bound: 'at least', ratio: 1.5, isMet: false });
    expect(c.rows[2].target).toEqual({ bound: 'at most', ratio: 1.25, isMet: false });
    expect(renderComparison(c)).toMatch(/tokens\/s +176 +210 +0\.84× +≥ 1\.5× MISSED/);
  });

  it('sets no target at other shapes, and flags different models', () => {
    const other = { ...spanfill, batchSize: 4 };
    const c = compareTrain(other, { ...pytorch, batchSize: 4, parameters: 60492288 });
    expect(c.rows.every((r) => r.target === undefined)).toBe(true);
    expect(c.isSameModel).toBe(false);
    expect(renderComparison(c)).toContain('NOTE: not the same model (PyTorch has 60492288 parameters)');
  });

  it('holds a GPU step to PyTorch CUDA: ≥ 1× at batch 8, 128/32 and ≥ 0.5× at batch 32, 512/114, no memory target', () => {
    const short = { ...shape, targetLength: 32 };
    const gpu = compareTrain(
      { ...short, msPerStep: 60, tokensPerSecond: 21333, peakRssMb: 1500 },
      { ...short, msPerStep: 64, tokensPerSecond: 20000, peakRssMb: 900 },
      'gpu',
    );
    expect(gpu.side).toBe('gpu');
    expect(gpu.rows[1].target).toEqual({ bound: 'at least', ratio: 1, isMet: true });
    expect(gpu.rows[2].target).toBeUndefined();
    expect(renderComparison(gpu).split('\n')[0]).toBe(
      'B=8 128/32, 60506624 parameters, on the GPU (PyTorch on CUDA; peak RSS is host memory)',
    );
    const long = { ...shape, batchSize: 32, inputLength: 512, targetLength: 114 };
    const slow = compareTrain(
      { ...long, msPerStep: 230, tokensPerSecond: 86539, peakRssMb: 2000 },
      { ...long, msPerStep: 108, tokensPerSecond: 184296, peakRssMb: 1000 },
      'gpu',
    );
    expect(slow.rows[1].target).toEqual({ bound: 'at least', ratio: 0.5, isMet: false });
    // The same shapes on the CPU: 128/32 is the 16-thread target against today's PyTorch; 512/114 at batch 32 has none.
    expect(compareTrain({ ...spanfill, ...short }, { ...pytorch, ...short }).rows[1].target).toEqual({
      bound: 'at least',
      ratio: 1,
      isMet: true,
    });
    expect(compareTrain({ ...spanfill, ...long }, { ...pytorch, ...long }).rows[1].target).toBeUndefined();
  });

  it('renders one aligned row per metric under a title with the shape', () => {
    const lines = renderComparison(compareTrain(spanfill, pytorch)).split('\n');
    expect(lines[0]).toBe('B=8 128/29, 60506624 parameters');
    expect(lines[1].split(/ {2,}/)).toEqual(['', 'Spanfill', 'PyTorch', 'ratio', 'target']);
    expect(lines[2].split(/ {2,}/)).toEqual(['ms/step', '2000', '5000', '0.40×']);
    expect(lines[3].split(/ {2,}/)).toEqual(['tokens/s', '628', '251', '2.50×', '≥ 2× met']);
    expect(lines[4].split(/ {2,}/)).toEqual(['peak RSS MB', '3000', '2500', '1.20×', '≤ 1.25× met']);
  });
});

describe('parseTorchTrainResult', () => {
  const good = {
    torch: '1.13.0',
    threads: 2,
    ...pytorch,
    firstStepMs: 6000,
    minMsPerStep: 4900,
    maxMsPerStep: 5100,
    losses: [10.5, 10.4],
  };

  it('reads the last line printed', () => {
    expect(parseTorchTrainResult(`warming up\n${JSON.stringify(good)}\n`, 'torch_t5.py')).toEqual(good);
  });

  it('names the source and the field when the output is not a result', () => {
    expect(() => parseTorchTrainResult('Traceback (most recent call last)', 'torch_t5.py')).toThrow(
      'torch_t5.py did not print a JSON result; its last line was "Traceback (most recent call last)"',
    );
    expect(() => parseTorchTrainResult(JSON.stringify({ ...good, msPerStep: 'slow' }), 'torch_t5.py')).toThrow(
      'torch_t5.py: "msPerStep" should be a non-negative number; got "slow"',
    );
    expect(() => parseTorchTrainResult(JSON.stringify({ ...good, losses: null }), 'torch_t5.py')).toThrow(
      '"losses" should be an array of numbers',
    );
    expect(() => parseTorchTrainResult(JSON.stringify({ ...good, device: 'mps' }), 'torch_t5.py')).toThrow(
      'torch_t5.py: "device" should be "cpu" or "cuda"; got "mps"',
    );
  });

  it('reads where the step ran and, on CUDA, the GPU and its peak memory', () => {
    const cuda = { ...good, device: 'cuda', deviceName: 'NVIDIA H200', peakDeviceMb: 10900 };
    expect(parseTorchTrainResult(JSON.stringify(cuda), 'torch_t5.py')).toEqual(cuda);
  });
});

describe('medianComparison', () => {
  /** One round at batch 8, 128/29: Spanfill and PyTorch ms/step (tokens/s follow), peak RSS. */
  const round = (ms: number, torchMs: number, rss = 3000) =>
    compareTrain(
      { ...shape, msPerStep: ms, tokensPerSecond: 1256000 / ms, peakRssMb: rss },
      { ...shape, msPerStep: torchMs, tokensPerSecond: 1256000 / torchMs, peakRssMb: 2500 },
    );

  it("takes each side's median and the median of the rounds' ratios, and judges the target on that", () => {
    // tokens/s ratios 1.9, 2.2 and 2.4: the median 2.2 meets ≥ 2× though one round missed it.
    const rounds = [round(2000, 3800), round(2500, 6000), round(1800, 3960, 3200)];
    expect(rounds.map((r) => r.rows[1].target?.isMet)).toEqual([false, true, true]);
    const c = medianComparison(rounds);
    const [ms, speed, rss] = c.rows;
    expect([ms.spanfill, ms.pytorch]).toEqual([2000, 3960]);
    // Not the ratio of the medians (3960 / 2000 = 1.98): the median of the rounds' ratios.
    expect(speed.ratio).toBeCloseTo(2.2, 12);
    expect(speed.target).toEqual({ bound: 'at least', ratio: 2, isMet: true });
    expect([rss.spanfill, rss.pytorch, rss.ratio]).toEqual([3000, 2500, 1.2]);
    expect(rss.target).toEqual({ bound: 'at most', ratio: 1.25, isMet: true });
  });

  it('averages the middle two of an even count, keeps one round as it was, and refuses none', () => {
    const c = medianComparison([round(2000, 3800), round(2000, 4600)]); // ratios 1.9 and 2.3
    expect(c.rows[1].ratio).toBeCloseTo(2.1, 12);
    expect(c.rows[1].target?.isMet).toBe(true);
    const one = round(2000, 3800);
    expect(medianComparison([one])).toEqual(one);
    expect(() => medianComparison([])).toThrow('medianComparison: no rounds to sum up');
  });
});
