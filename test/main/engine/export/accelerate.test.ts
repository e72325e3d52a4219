// The accelerate job's train.py, its span-corruption functions run by python3 with numpy (torch,
// transformers and accelerate are not installed here, so stand-in modules let it import; the
// training loop itself cannot run here): raw chunk lengths must equal those of Spanfill's own
// pipeline (engine/data/spanCorruption.ts fitSpanLengths) over a grid of settings, and every
// masked chunk must fit the input length, with sentinels in order and the original tokens
// recoverable. Plus the job's files and README.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeAccelerateJob, type AccelerateRunConfig } from '../../../../src/main/engine/export/accelerate';
import { fitSpanLengths, maskedLengthsFor } from '../../../../src/main/engine/data/spanCorruption';
import { optimizerArguments } from '../../../../src/main/engine/export/accelerate-optimizer';
import { FIXTURES } from '../t5/helpers';
import { tempDirs } from '../../../support/tmp';

const CONFIG: AccelerateRunConfig = {
  input_length: 64,
  noise_density: 0.15,
  mean_noise_span_length: 3,
  batch_size: 4,
  gradient_accumulation_steps: 2,
  optimizer: 'adamw',
  optimizer_args: { betas: [0.9, 0.999], eps: 1e-8 },
  learning_rate: 1e-4,
  weight_decay: 0.01,
  schedule: 'linear',
  warmup_steps: 10,
  max_steps: 100,
  clip_norm: 1,
  dropout_rate: null,
  checkpoint_every: 50,
  seed: 7,
};

/** (input length, noise density, mean span): the reported ones, HF's hack at 0.5, and a grid around them. */
const SETTINGS: [number, number, number][] = [
  [32, 0.15, 1],
  [64, 0.15, 1],
  [128, 0.15, 3],
  [64, 0.15, 3],
  [512, 0.15, 3],
  [128, 0.3, 2.5],
  [100, 0.5, 1],
  [37, 0.1, 2],
  ...[8, 16, 31, 33, 48, 96, 200].flatMap((n) =>
    [0.05, 0.15, 0.25, 0.5, 0.7].flatMap((density) =>
      [1, 2, 3, 5].map((span): [number, number, number] => [n, density, span]),
    ),
  ),
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
const SPM = join(FIXTURES, 't5-tiny-spm');

/** The job of `config` (3 training and 1 validation documents) from `source`, in a fresh folder. */
async function jobOf(config: AccelerateRunConfig = CONFIG, source = SPM): Promise<string> {
  const job = join(tempDir(), 'job');
  mkdirSync(job);
  await writeAccelerateJob(source, job, config, { train: 3, validation: 1 });
  return job;
}

describe('accelerate job', () => {
  it('writes the job files, and its README states the lengths Spanfill masks to', async () => {
    const job = await jobOf();
    expect(readdirSync(job).sort()).toEqual(['README.md', 'base_model', 'run_config.json', 'train.py']);
    expect(JSON.parse(readFileSync(join(job, 'run_config.json'), 'utf8'))).toEqual({
      base_model: 'base_model',
      ...CONFIG,
    });
    // 70 raw tokens: noise round(10.5) = 10 (half to even), 3 spans → 70 − 10 + 3 + 1 = 64 in, 10 + 3 + 1 = 14 out.
    expect(readFileSync(join(job, 'README.md'), 'utf8')).toContain(
      'Raw chunks of 70 tokens are masked to 64 input and 14 target tokens',
    );
    // HF's formula keeps 32 raw tokens at 32 (round(4.8) = 5 noise in 5 spans: 33 in), which do not fit;
    // 31 do: round(4.65) = 5 noise in 5 spans → 31 − 5 + 5 + 1 = 32 in, 5 + 5 + 1 = 11 out.
    const short = await jobOf({ ...CONFIG, input_length: 32, mean_noise_span_length: 1 });
    expect(readFileSync(join(short, 'README.md'), 'utf8')).toContain(
      'Raw chunks of 31 tokens are masked to 32 input and 11 target tokens',
    );
  });

  it("train.py cuts the raw length Spanfill's pipeline cuts, and its masks fit the input length", async () => {
    const job = await jobOf();
    const result = python(
      job,
      `
import numpy as np
out = []
for n, density, span in ${JSON.stringify(SETTINGS)}:
    raw, target = train.raw_length(n, density, span)
    rng = np.random.default_rng(0)
    sentinels = [1000 + i for i in range(raw)]
    shapes = set()
    for trial in range(5):
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
      const setting = `input ${n}, density ${density}, mean span ${span}`;
      const engine = fitSpanLengths(n, density, span);
      expect(result[i].raw, setting).toBe(engine.tokensLength);
      expect(result[i].target, setting).toBe(engine.targetLength);
      // Every chunk is raw tokens long, so every mask of it has the engine's lengths for raw tokens.
      const masked = maskedLengthsFor(engine.tokensLength, density, span);
      expect(result[i].shapes, setting).toEqual([[masked.input, masked.target]]);
      expect(masked.input, setting).toBeLessThanOrEqual(n);
    });
  });

  it("train.py builds Spanfill's optimizer from optimizer_args: Adafactor's relative steps with no schedule", async () => {
    const adafactor = {
      ...CONFIG,
      optimizer: 'adafactor' as const,
      optimizer_args: optimizerArguments({ kind: 'adafactor', clipThreshold: 2, beta1: 0.5 }),
    };
    const job = await jobOf(adafactor);
    const built = (config: AccelerateRunConfig) => `
import json as _json
train.CONFIG = _json.loads(${JSON.stringify(JSON.stringify(config))})
class Parameter:
    def __init__(self, name, ndim): self.name, self.ndim = name, ndim
class Model:
    def named_parameters(self):
        for name, ndim in [("shared.weight", 2), ("encoder.block.0.layer.0.SelfAttention.q.weight", 2),
                           ("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight", 2),
                           ("encoder.block.0.layer.0.layer_norm.weight", 1), ("lm_head.weight", 2)]:
            yield name, Parameter(name, ndim)
made = []
train.Adafactor = lambda groups, **kwargs: made.append(("Adafactor", groups, kwargs)) or "optimizer"
adamw = lambda groups, **kwargs: made.append(("AdamW", groups, kwargs)) or "optimizer"
train.torch = types.SimpleNamespace(optim=types.SimpleNamespace(AdamW=adamw))
train.get_scheduler = lambda *args, **kwargs: {"schedule": args[0], **kwargs}
optimizer, scheduler = train.make_optimizer(Model())
kind, groups, kwargs = made[0]
print(_json.dumps({"kind": kind, "kwargs": kwargs, "scheduler": scheduler,
                   "groups": [{"names": [p.name for p in g["params"]], "weight_decay": g["weight_decay"]} for g in groups]}))
`;
    const groups = [
      {
        names: ['shared.weight', 'encoder.block.0.layer.0.SelfAttention.q.weight', 'lm_head.weight'],
        weight_decay: 0.01,
      },
      {
        names: [
          'encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight',
          'encoder.block.0.layer.0.layer_norm.weight',
        ],
        weight_decay: 0,
      },
    ];
    // Spanfill's Adafactor (engine/optim/adafactor.ts): relative steps without warm-up init, parameter
    // scaling, ε (1e-30, 1e-3), decay rate −0.8, and the run's clipping threshold and β₁. No lr, no schedule.
    expect(python(job, built(adafactor))).toEqual({
      kind: 'Adafactor',
      kwargs: {
        lr: null,
        relative_step: true,
        warmup_init: false,
        scale_parameter: true,
        clip_threshold: 2,
        decay_rate: -0.8,
        beta1: 0.5,
        eps: [1e-30, 1e-3],
      },
      scheduler: null,
      groups,
    });
    // AdamW: the run's rate, betas and eps, and its schedule.
    const adamw = { ...CONFIG, optimizer_args: optimizerArguments({ kind: 'adamw', beta2: 0.98 }) };
    expect(python(job, built(adamw))).toEqual({
      kind: 'AdamW',
      kwargs: { lr: 1e-4, betas: [0.9, 0.98], eps: 1e-8 },
      scheduler: { schedule: 'linear', num_warmup_steps: 10, num_training_steps: 100 },
      groups,
    });
    const text = readFileSync(join(job, 'README.md'), 'utf8');
    expect(text).toContain('Optimizer: Adafactor as Spanfill runs it');
    expect(text).toContain(
      "relative steps min(0.01, 1/sqrt(step)) times each parameter's RMS (at least 0.001), updates clipped at RMS 2, decay rate -0.8, first moment beta1 0.5, weight decay 0.01",
    );
    expect(text).toContain('learning_rate, schedule and warmup_steps in run_config.json do not apply to it');
  });

  it("train.py loads the model with the run's dropout, else the model's own", async () => {
    const job = await jobOf();
    const loaded = (rate: number | null) =>
      python(
        job,
        `
train.CONFIG = dict(train.CONFIG, dropout_rate=${rate === null ? 'None' : rate})
train.T5ForConditionalGeneration = types.SimpleNamespace(from_pretrained=lambda base, **kwargs: [base, kwargs])
print(json.dumps(train.load_model("base_model")))
`,
      );
    expect(loaded(0)).toEqual(['base_model', { dropout_rate: 0 }]);
    expect(loaded(0.25)).toEqual(['base_model', { dropout_rate: 0.25 }]);
    expect(loaded(null)).toEqual(['base_model', {}]);
    const readme = (rate: number | null) =>
      jobOf({ ...CONFIG, dropout_rate: rate }).then((dir) => readFileSync(join(dir, 'README.md'), 'utf8'));
    expect(await readme(0.05)).toContain("Dropout: 0.05, the run's (train.py sets it over base_model's config.json).");
    expect(await readme(null)).toContain("Dropout: base_model's config.json dropout_rate, as the run had.");
  });

  it("uses every sentinel the tokenizer has (ByT5's 125), and its README names what the tokenizer needs", async () => {
    const job = await jobOf();
    // A byte tokenizer's vocabulary: 3 specials, 256 bytes, then <extra_id_124> … <extra_id_0> downwards.
    const result = python(
      job,
      `
import numpy as np
class Tokenizer:
    eos_token_id, pad_token_id = 1, 0
    def get_vocab(self):
        vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2, **{f"b{i}": 3 + i for i in range(256)}}
        vocab.update({f"<extra_id_{k}>": 383 - k for k in range(125)})
        return vocab
    def convert_tokens_to_ids(self, token):
        return self.get_vocab().get(token, 2)
collator = train.Collator(Tokenizer(), 0)
# 800 bytes, one-byte spans: more than 100 spans, fewer than 125.
raw, _ = train.raw_length(800, 0.15, 1)
mask = train.noise_mask(raw, 0.15, 1, np.random.default_rng(0))
inputs, labels = train.corrupt([3 + i % 256 for i in range(raw)], mask, collator.sentinels, 1)
print(json.dumps({"sentinels": collator.sentinels, "used": sum(1 for t in inputs if t > 258)}))
`,
    ) as { sentinels: number[]; used: number };
    expect(result.sentinels).toEqual(Array.from({ length: 125 }, (_, k) => 383 - k));
    expect(result.used).toBeGreaterThan(100);
    expect(result.used).toBeLessThanOrEqual(125);

    // The fixture's tokenizer is tokenizer.json: transformers' own tokenizers package reads it.
    expect(readFileSync(join(job, 'README.md'), 'utf8')).toContain(
      'Needs Python with torch, numpy, transformers and accelerate (transformers reads base_model/tokenizer.json ' +
        'with its tokenizers package; sentencepiece is not needed).',
    );
    // A model whose tokenizer is spiece.model alone needs sentencepiece.
    const spm = join(tempDir(), 'spm');
    cpSync(SPM, spm, { recursive: true });
    rmSync(join(spm, 'tokenizer.json'));
    writeFileSync(join(spm, 'spiece.model'), 'a sentencepiece model');
    const other = await jobOf(CONFIG, spm);
    expect(readFileSync(join(other, 'README.md'), 'utf8')).toContain(
      'Needs Python with torch, numpy, transformers, accelerate and sentencepiece (base_model/ has its tokenizer ' +
        'as spiece.model, without tokenizer.json).',
    );
  });
});
