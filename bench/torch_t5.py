#!/usr/bin/env python3
"""Spanfill's own small PyTorch T5, the other side of `npm run bench:compare`; the model is
in t5_model.py beside this file.

Subcommands, each printing one JSON object on stdout:
  train  time AdamW training steps on random data, like `spanfill bench train` (on the CPU,
         or with --device cuda on an NVIDIA GPU)
  case   the loss of model folders on their case.json, dropout off (an architecture check)
  count  the parameter count of configs, without allocating the weights
"""

import argparse
import json
import resource
import struct
import sys
import time

import torch

from t5_model import T5, T5Config, count_parameters, init_weights


def adamw(model, lr, weight_decay):
    """AdamW without decay on norm scales and bias tables (Spanfill's default mask: 1-D
    parameters and names containing 'norm' or 'bias')."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        lowered = name.lower()
        (no_decay if p.dim() <= 1 or "norm" in lowered or "bias" in lowered else decay).append(p)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr)


def read_config(args):
    if args.config_json is not None:
        return T5Config(json.loads(args.config_json))
    with open(args.config, encoding="utf8") as f:
        return T5Config(json.load(f))


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def pick_device(name):
    """The torch device for --device; a clear exit when CUDA is asked for and not usable."""
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit(
            f"--device cuda: this PyTorch ({torch.__version__}) has no usable CUDA device "
            "(torch.cuda.is_available() is False); use --device cpu, or a CUDA build of torch"
        )
    return torch.device(name)


def device_fields(device):
    """What the result says about the device: its name and, on CUDA, the peak allocated memory."""
    if device.type != "cuda":
        return {"device": "cpu"}
    return {
        "device": "cuda",
        "deviceName": torch.cuda.get_device_name(device),
        "peakDeviceMb": torch.cuda.max_memory_allocated(device) / 2**20,
    }


def train(args):
    if args.warmup < 1 or args.steps < 1:
        raise SystemExit("--warmup and --steps must be at least 1")
    device = pick_device(args.device)
    torch.set_num_threads(args.threads)
    c = read_config(args)
    if args.dropout is not None:
        c.dropout_rate = args.dropout
    torch.manual_seed(args.seed)
    model = T5(c)
    init_weights(model, args.seed)  # on the CPU: the same weights whatever the device
    model.to(device)
    model.train()
    optimizer = adamw(model, lr=1e-4, weight_decay=0.01)
    generator = torch.Generator().manual_seed(args.seed + 1)
    input_ids = torch.randint(2, c.vocab_size, (args.batch, args.inputs), generator=generator).to(device)
    attention_mask = torch.ones_like(input_ids)
    labels = torch.randint(2, c.vocab_size, (args.batch, args.targets), generator=generator).to(device)
    losses, times = [], []
    for _ in range(args.warmup + args.steps):  # the warm-up steps, then the timed ones
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = model(input_ids, attention_mask, labels)
        loss.backward()
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize(device)  # CUDA runs asynchronously: time the finished step
        losses.append(loss.item())
        times.append((time.perf_counter() - start) * 1000)
    timed = times[args.warmup :]
    ms_per_step = sum(timed) / len(timed)
    return {
        "torch": torch.__version__,
        **device_fields(device),
        "threads": torch.get_num_threads(),
        "parameters": count_parameters(model),
        "batchSize": args.batch,
        "inputLength": args.inputs,
        "targetLength": args.targets,
        "warmupSteps": args.warmup,
        "firstStepMs": times[0],
        "msPerStep": ms_per_step,
        "minMsPerStep": min(timed),
        "maxMsPerStep": max(timed),
        "tokensPerSecond": args.batch * (args.inputs + args.targets) * 1000 / ms_per_step,
        "losses": losses,
        "peakRssMb": peak_rss_mb(),
    }


SAFETENSORS_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
EMBEDDING_ALIASES = ("shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight")


def read_safetensors(path):
    """name -> float32 tensor; format: u64 header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    base = 8 + length
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in SAFETENSORS_DTYPES:
            raise SystemExit(f"{path}: tensor {name} is {info['dtype']}; expected one of: F32, F16, BF16")
        begin, end = info["data_offsets"]
        raw = bytearray(data[base + begin : base + end])
        tensors[name] = torch.frombuffer(raw, dtype=SAFETENSORS_DTYPES[info["dtype"]]).reshape(info["shape"]).float()
    return tensors


def load_weights(model, path):
    tensors = read_safetensors(path)
    state = {}
    for name in model.state_dict():
        candidates = EMBEDDING_ALIASES if name == "shared.weight" else (name,)
        found = next((tensors[n] for n in candidates if n in tensors), None)
        if found is None:
            raise SystemExit(f"{path} has no tensor {name}")
        state[name] = found
    model.load_state_dict(state)


def case_loss(folder):
    """The loss of a folder's weights on its case.json, dropout off, in float64."""
    with open(f"{folder}/config.json", encoding="utf8") as f:
        c = T5Config(json.load(f))
    with open(f"{folder}/case.json", encoding="utf8") as f:
        batch = json.load(f)
    model = T5(c)
    load_weights(model, f"{folder}/model.safetensors")
    model.double().eval()
    with torch.no_grad():
        loss = model(
            torch.tensor(batch["input_ids"]), torch.tensor(batch["attention_mask"]), torch.tensor(batch["labels"])
        )
    return {"dir": folder, "loss": loss.item(), "parameters": count_parameters(model)}


def case(args):
    return {"cases": [case_loss(folder) for folder in args.dirs]}


def count(args):
    """One count, or one per config when the JSON is a list of configs."""
    if args.config_json is not None:
        raw = json.loads(args.config_json)
    else:
        with open(args.config, encoding="utf8") as f:
            raw = json.load(f)
    configs = raw if isinstance(raw, list) else [raw]
    counts = [count_parameters(T5(T5Config(c), device="meta")) for c in configs]
    return {"parameters": counts if isinstance(raw, list) else counts[0]}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "count"):
        sub = commands.add_parser(name)
        source = sub.add_mutually_exclusive_group(required=True)
        source.add_argument("--config", help="a HF config.json file")
        source.add_argument("--config-json", help="the same as a JSON string (count: or a list of them)")
        if name == "train":
            sub.add_argument("--batch", type=int, default=8)
            sub.add_argument("--inputs", type=int, default=128)
            sub.add_argument("--targets", type=int, default=32)
            sub.add_argument("--threads", type=int, default=1)
            sub.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where the step runs")
            sub.add_argument("--steps", type=int, default=3, help="timed steps after the warm-up steps")
            sub.add_argument("--warmup", type=int, default=1, help="untimed steps first (at least 1)")
            sub.add_argument("--dropout", type=float, help="default: the config's dropout_rate")
            sub.add_argument("--seed", type=int, default=0)
    sub = commands.add_parser("case")
    sub.add_argument("dirs", nargs="+", help="HF T5 folders with config.json, model.safetensors and case.json")
    args = parser.parse_args(argv)
    result = {"train": train, "case": case, "count": count}[args.command](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
