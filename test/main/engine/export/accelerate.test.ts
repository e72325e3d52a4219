// The accelerate job's train.py, its span-corruption functions run by python3 with numpy (torch,
// transformers and accelerate are not installed here, so stand-in modules let it import; the
// training loop itself cannot run here): raw chunk lengths must equal engine/data/lengths.ts
// (HF's formula), and every masked chunk must fill exactly the input and target lengths, with
// sentinels in order and the original tokens recoverable. Plus the job's files and README.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAccelerateJob, type AccelerateRunConfig } from '../../../../src/main/engine/export/accelerate';
import { computeInputAndTargetLengths } from '../../../../src/main/engine/data/lengths';
import { FIXTURES } from '../t5/helpers';
import { tempDirs } from '../../../support/tmp';

const CONFIG: AccelerateRunConfig = {
  input_length: 64,
  noise_density: 0.15,
  mean_noise_span_length: 3,
  batch_size: 4,
  gradient_accumulation_steps: 2,
  optimizer: 'adamw',
  learning_rate: 1e-4,
  weight_decay: 0.01,
  schedule: 'linear',
  warmup_steps: 10,
  max_steps: 100,
  clip_norm: 1,
  checkpoint_every: 50,
  seed: 7,
};

const SETTINGS: [number, number, number][] = [
  [64, 0.15, 3],
  [512, 0.15, 3],
  [128, 0.3, 2.5],
  [100, 0.5, 1],
  [37, 0.1, 2],
];

/** Imports train.py with stand-ins for torch/transformers/accelerate and runs `body` (Python). */
function python(job: string, body: string): unknown {
  const program = `
import importlib.util, json, sys, types
class Stub:
    def __call__(self, *args, **kwargs):
        return args[0] if args and callable(args[0]) else (lambda f: f)
    def __getattr__(self, name):
        return Stub()
for name in ["torch", "torch.utils", "torch.utils.data", "accelerate", "transformers", "transformers.optimization"]:
    module = types.ModuleType(name)
    module.__getattr__ = lambda attr: Stub()
    sys.modules[name] = module
spec = importlib.util.spec_from_file_location("train", sys.argv[1])
train = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train)
${body}
`;
  return JSON.parse(execFileSync('python3', ['-c', program, join(job, 'train.py')], { encoding: 'utf8' }));
}

const tempDir = tempDirs('spanfill-acc-');

describe('accelerate job', () => {
  it('writes the job files; train.py computes the same lengths and masks that fill them exactly', async () => {
    const job = join(tempDir(), 'job');
    mkdirSync(job);
    await writeAccelerateJob(join(FIXTURES, 't5-tiny-spm'), job, CONFIG, { train: 3, validation: 1 });
    expect(readdirSync(job).sort()).toEqual(['README.md', 'base_model', 'run_config.json', 'train.py']);
    expect(JSON.parse(readFileSync(join(job, 'run_config.json'), 'utf8'))).toEqual({
      base_model: 'base_model',
      ...CONFIG,
    });
    // 70 raw tokens: noise round(10.5) = 10 (half to even), 3 spans → 70 − 10 + 3 + 1 = 64 in, 10 + 3 + 1 = 14 out.
    expect(readFileSync(join(job, 'README.md'), 'utf8')).toContain(
      'Raw chunks of 70 tokens are masked\nto 64 input and 14 target tokens',
    );

    const result = python(
      job,
      `
import numpy as np
out = []
for n, density, span in ${JSON.stringify(SETTINGS)}:
    raw, target = train.raw_length(n, density, span)
    rng = np.random.default_rng(0)
    sentinels = [1000 + i for i in range(100)]
    shapes = set()
    for trial in range(20):
        ids = list(range(2, 2 + raw))
        mask = train.noise_mask(raw, density, span, rng)
        inputs, labels = train.corrupt(ids, mask, sentinels, 1)
        shapes.add((len(inputs), len(labels)))
        used = [t for t in inputs if t >= 1000]
        assert used == sentinels[: len(used)], used
        spans, current = {}, None
        for t in labels[:-1]:
            if t >= 1000: current = t; spans[t] = []
            else: spans[current].append(t)
        rebuilt = [x for t in inputs[:-1] for x in (spans[t] if t >= 1000 else [t])]
        assert rebuilt == ids
    out.append({"raw": raw, "target": target, "shapes": sorted(shapes)})
print(json.dumps(out))
`,
    ) as { raw: number; target: number; shapes: [number, number][] }[];
    SETTINGS.forEach(([n, density, span], i) => {
      const expected = computeInputAndTargetLengths(n, density, span);
      expect(result[i].raw, `${n} ${density} ${span}`).toBe(expected.tokensLength);
      expect(result[i].target).toBe(expected.targetLength);
      // HF's density-0.5 hack trims one raw token, so the input comes out one shorter there.
      const inputLength = density === 0.5 ? n - 1 : n;
      expect(result[i].shapes).toEqual([[inputLength, expected.targetLength]]);
    });
  });
});
