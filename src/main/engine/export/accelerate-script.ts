// The Python training script of an accelerate export (written for Spanfill, not copied): T5
// span corruption with the run's settings, trained by transformers' T5ForConditionalGeneration
// under `accelerate launch`, checkpoints saved with save_pretrained (safetensors) + tokenizer so
// `spanfill models import` takes them back. The length and mask rules are Spanfill's own
// (engine/data/spanCorruption.ts fitSpanLengths and noiseSpanCounts): HF's run_t5_mlm_flax.py
// (compute_input_and_target_lengths, random_spans_noise_mask) made to fit every mask.

export const ACCELERATE_SCRIPT = String.raw`"""T5 span-corruption training job exported by Spanfill.

Reads run_config.json and data/{train,validation}.jsonl beside this file, trains with
transformers + accelerate, and writes checkpoints to checkpoints/step-N (HF folders with
model.safetensors and the tokenizer) that "spanfill models import DIR" brings back.

    accelerate config
    accelerate launch train.py
"""

import json
import math
import random
import re
from pathlib import Path

import numpy as np
import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import AutoTokenizer, T5ForConditionalGeneration, get_scheduler
from transformers.optimization import Adafactor

HERE = Path(__file__).resolve().parent
CONFIG = json.loads((HERE / "run_config.json").read_text(encoding="utf-8"))


def hf_lengths(raw, density, mean_span):
    """Encoder and decoder lengths of raw tokens by HF's formula (sentinels and EOS included)."""
    noise = round(raw * density)
    spans = round(noise / mean_span)
    return raw - noise + spans + 1, noise + spans + 1


def mask_counts(length, density, mean_span):
    """Noise tokens and noise spans of a mask over length tokens, as Spanfill's engine counts them:
    at least one noise and one kept token, and no more spans than kept tokens can separate."""
    noise = min(max(int(round(length * density)), 1), length - 1)
    spans = max(int(round(min(noise, length - noise) / mean_span)), 1)
    return noise, spans


def raw_length(input_length, density, mean_span):
    """Raw chunk length and target length, as Spanfill computes them: HF's (compute_input_and_target_lengths)
    but with its density-0.5 trim made against input_length (HF compares with the input its raw length
    masks to: 128 @ 0.5 / 1 stays 128 raw, target 129, there), then shortened until the mask of every
    chunk up to it fits input_length (HF's formula may count no noise span where every mask has one);
    the target is the longest any of those masks makes."""
    raw = input_length
    while hf_lengths(raw + 1, density, mean_span)[0] <= input_length:
        raw += 1
    target = hf_lengths(raw, density, mean_span)[1]
    if density == 0.5 and target > input_length:
        raw, target = raw - 1, target - 1
    for length in range(2, raw + 1):
        noise, spans = mask_counts(length, density, mean_span)
        if length - noise + spans + 1 > input_length:
            return length - 1, target
        target = max(target, noise + spans + 1)
    return raw, target


def split_into(total, parts, rng):
    """Random positive lengths of 'parts' pieces summing to total."""
    cuts = np.sort(rng.choice(np.arange(1, total), parts - 1, replace=False))
    return [int(n) for n in np.diff(np.concatenate([[0], cuts, [total]]).astype(np.int64))]


def noise_mask(length, density, mean_span, rng):
    """Boolean mask: alternating kept and noise spans, starting with a kept one."""
    noise, spans = mask_counts(length, density, mean_span)
    noise_lengths = split_into(noise, spans, rng)
    kept_lengths = split_into(length - noise, spans, rng)
    mask = np.zeros(length, dtype=bool)
    at = 0
    for kept, noisy in zip(kept_lengths, noise_lengths):
        at += kept
        mask[at : at + noisy] = True
        at += noisy
    return mask


def corrupt(ids, mask, sentinels, eos):
    """Encoder input (noise spans -> one sentinel each) and target (sentinel + the span)."""
    inputs, labels, span, previous = [], [], 0, False
    for token, noisy in zip(ids, mask):
        if noisy and not previous:
            inputs.append(sentinels[span])
            labels.append(sentinels[span])
            span += 1
        (labels if noisy else inputs).append(int(token))
        previous = noisy
    return inputs + [eos], labels + [eos]


def read_texts(name):
    path = HERE / "data" / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def chunks(tokenizer, texts, raw):
    """Documents tokenized (EOS after each), concatenated and cut into raw-length chunks."""
    stream = []
    for text in texts:
        stream.extend(tokenizer(text, add_special_tokens=True)["input_ids"])
    return [stream[i : i + raw] for i in range(0, len(stream) - raw + 1, raw)]


def sentinel_ids(tokenizer):
    """The ids of <extra_id_0>, <extra_id_1>, ... as far as the tokenizer has them (Spanfill counts its
    sentinels so: 100 for T5's tokenizer, 125 for ByT5's)."""
    vocab = tokenizer.get_vocab()
    ids = []
    while f"<extra_id_{len(ids)}>" in vocab:
        ids.append(vocab[f"<extra_id_{len(ids)}>"])
    return ids


class Collator:
    """Masks each chunk when its batch is drawn (fresh masks every epoch)."""

    def __init__(self, tokenizer, seed):
        self.sentinels = sentinel_ids(tokenizer)
        self.eos = tokenizer.eos_token_id
        self.pad = tokenizer.pad_token_id
        self.rng = np.random.default_rng(seed)

    def __call__(self, batch):
        pairs = []
        for ids in batch:
            mask = noise_mask(len(ids), CONFIG["noise_density"], CONFIG["mean_noise_span_length"], self.rng)
            pairs.append(corrupt(ids, mask, self.sentinels, self.eos))
        width_in = max(len(p[0]) for p in pairs)
        width_out = max(len(p[1]) for p in pairs)
        input_ids = torch.full((len(pairs), width_in), self.pad, dtype=torch.long)
        labels = torch.full((len(pairs), width_out), -100, dtype=torch.long)
        for row, (inputs, target) in enumerate(pairs):
            input_ids[row, : len(inputs)] = torch.tensor(inputs)
            labels[row, : len(target)] = torch.tensor(target)
        return {"input_ids": input_ids, "attention_mask": (input_ids != self.pad).long(), "labels": labels}


def parameter_groups(model):
    """Weight decay as Spanfill applies it: not to 1-D parameters, nor to those named norm or bias."""
    decayed, plain = [], []
    for name, parameter in model.named_parameters():
        is_plain = parameter.ndim <= 1 or re.search("norm|bias", name, re.IGNORECASE)
        (plain if is_plain else decayed).append(parameter)
    return [{"params": decayed, "weight_decay": CONFIG["weight_decay"]}, {"params": plain, "weight_decay": 0.0}]


def make_optimizer(model):
    """The run's optimizer with its settings (optimizer_args), and its schedule: none for Adafactor's
    relative steps, min(1e-2, 1/sqrt(step)) times each parameter's RMS, which Spanfill takes too
    (learning_rate, schedule and warmup_steps do not apply to them)."""
    args = CONFIG["optimizer_args"]
    groups = parameter_groups(model)
    if CONFIG["optimizer"] == "adafactor":
        args = dict(args, eps=tuple(args["eps"]))
        if args["relative_step"]:
            return Adafactor(groups, **args), None
        optimizer = Adafactor(groups, **dict(args, lr=CONFIG["learning_rate"]))
    else:
        optimizer = torch.optim.AdamW(groups, lr=CONFIG["learning_rate"], betas=tuple(args["betas"]), eps=args["eps"])
    steps = CONFIG["max_steps"]
    return optimizer, get_scheduler(CONFIG["schedule"], optimizer, num_warmup_steps=CONFIG["warmup_steps"], num_training_steps=steps)


def save(accelerator, model, tokenizer, step):
    folder = HERE / "checkpoints" / f"step-{step:08d}"
    accelerator.wait_for_everyone()
    accelerator.unwrap_model(model).save_pretrained(
        folder,
        safe_serialization=True,
        is_main_process=accelerator.is_main_process,
        save_function=accelerator.save,
    )
    if accelerator.is_main_process:
        tokenizer.save_pretrained(folder)
        accelerator.print(f"saved {folder}")


@torch.no_grad()
def validation_loss(accelerator, model, loader):
    model.eval()
    total, count = 0.0, 0
    for batch in loader:
        loss = accelerator.gather_for_metrics(model(**batch).loss.reshape(1))
        total += loss.sum().item()
        count += loss.numel()
    model.train()
    return total / max(count, 1)


def load_model(base):
    """The starting model, with the run's dropout where it set one (else its config's dropout_rate)."""
    rate = CONFIG["dropout_rate"]
    overrides = {} if rate is None else {"dropout_rate": rate}
    return T5ForConditionalGeneration.from_pretrained(base, **overrides)


def main():
    accelerator = Accelerator(gradient_accumulation_steps=CONFIG["gradient_accumulation_steps"])
    seed = CONFIG["seed"]
    random.seed(seed)
    torch.manual_seed(seed)
    base = HERE / CONFIG["base_model"]
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = load_model(base)
    density, mean_span = CONFIG["noise_density"], CONFIG["mean_noise_span_length"]
    raw, _ = raw_length(CONFIG["input_length"], density, mean_span)
    spans, sentinels = mask_counts(raw, density, mean_span)[1], len(sentinel_ids(tokenizer))
    if spans > sentinels:
        raise SystemExit(f"these settings make {spans} noise spans per chunk but the tokenizer has {sentinels} sentinels; lower input_length or noise_density, or raise mean_noise_span_length")
    train = chunks(tokenizer, read_texts("train.jsonl"), raw)
    if not train:
        raise SystemExit(f"data/train.jsonl has fewer than {raw} tokens; lower input_length in run_config.json")
    validation = chunks(tokenizer, read_texts("validation.jsonl"), raw)
    batch = CONFIG["batch_size"]
    train_loader = DataLoader(train, batch_size=batch, shuffle=True, collate_fn=Collator(tokenizer, seed + accelerator.process_index), drop_last=True)
    eval_loader = DataLoader(validation, batch_size=batch, collate_fn=Collator(tokenizer, seed + 1))
    optimizer, scheduler = make_optimizer(model)
    model, optimizer, train_loader, eval_loader = accelerator.prepare(model, optimizer, train_loader, eval_loader)
    if scheduler is not None:
        scheduler = accelerator.prepare(scheduler)
    steps = CONFIG["max_steps"]
    every = CONFIG["checkpoint_every"] or steps
    step = 0
    model.train()
    for epoch in range(math.ceil(steps / max(len(train_loader) // CONFIG["gradient_accumulation_steps"], 1)) + 1):
        for inputs in train_loader:
            with accelerator.accumulate(model):
                loss = model(**inputs).loss
                accelerator.backward(loss)
                if accelerator.sync_gradients and CONFIG["clip_norm"]:
                    accelerator.clip_grad_norm_(model.parameters(), CONFIG["clip_norm"])
                optimizer.step()
                if scheduler is not None:
                    scheduler.step()
                optimizer.zero_grad()
            if not accelerator.sync_gradients:
                continue
            step += 1
            if step % 10 == 0:
                accelerator.print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f}")
            if step % every == 0 or step == steps:
                if len(eval_loader) > 0:
                    accelerator.print(f"step {step} validation loss {validation_loss(accelerator, model, eval_loader):.4f}")
                save(accelerator, model, tokenizer, step)
            if step >= steps:
                return


if __name__ == "__main__":
    main()
`;
