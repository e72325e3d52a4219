"""The T5 of bench/torch_t5.py (Spanfill's own small PyTorch T5): T5 v1.0 (relu feed-forward,
tied embeddings, logits scaled by d_model^-0.5) and v1.1 / FLAN (gated tanh-gelu, untied
lm_head) from a Hugging Face config.json, with HF parameter names so HF safetensors folders
load as they are, and HF's initialisation. Written for this project from the semantics of
Raffel et al. 2020 and HF transformers' modeling_t5.py (T5LayerNorm, T5Attention,
T5DenseActDense, T5DenseGatedActDense, T5Stack): RMS norm without mean subtraction, no
1/sqrt(d) in attention, relative position bias only in layer 0 of each stack and shared by
the others (bidirectional buckets in the encoder, causal in the decoder, none across).
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

MASK_VALUE = -1e9  # additive mask, as Spanfill's graphs (exp underflows to 0)
IGNORE_INDEX = -100


class T5Config:
    """The config.json fields the model reads, with HF's defaults."""

    def __init__(self, raw):
        self.d_model = raw.get("d_model", 512)
        self.d_ff = raw.get("d_ff", 2048)
        self.d_kv = raw.get("d_kv", 64)
        self.num_heads = raw.get("num_heads", 8)
        self.num_layers = raw.get("num_layers", 6)
        self.num_decoder_layers = raw.get("num_decoder_layers") or self.num_layers
        self.vocab_size = raw.get("vocab_size", 32128)
        self.feed_forward_proj = raw.get("feed_forward_proj", "relu")
        if self.feed_forward_proj not in ("relu", "gated-gelu"):
            raise SystemExit(
                f"Unsupported feed_forward_proj {self.feed_forward_proj!r}; expected one of: relu, gated-gelu"
            )
        self.tie_word_embeddings = raw.get("tie_word_embeddings", True)
        self.num_buckets = raw.get("relative_attention_num_buckets", 32)
        self.max_distance = raw.get("relative_attention_max_distance", 128)
        self.eps = raw.get("layer_norm_epsilon", 1e-6)
        self.dropout_rate = raw.get("dropout_rate", 0.1)
        self.pad_token_id = raw.get("pad_token_id", 0)
        self.decoder_start_token_id = raw.get("decoder_start_token_id", 0)
        self.initializer_factor = raw.get("initializer_factor", 1.0)


def relative_position_bucket(relative, bidirectional, num_buckets, max_distance):
    """Bucket of each relative position (key - query): exact for small distances, then
    logarithmically wider buckets up to max_distance, beyond which all share the last."""
    offset = torch.zeros_like(relative)
    if bidirectional:
        num_buckets //= 2
        offset = (relative > 0).long() * num_buckets
        n = relative.abs()
    else:
        n = (-relative).clamp(min=0)
    max_exact = num_buckets // 2
    # float32 step by step (as HF), n clamped so that log never sees 0 (those take the exact branch)
    scaled = torch.log(n.clamp(min=1).float() / max_exact) / math.log(max_distance / max_exact)
    large = (max_exact + (scaled * (num_buckets - max_exact)).long()).clamp(max=num_buckets - 1)
    return offset + torch.where(n < max_exact, n, large)


class RMSNorm(nn.Module):
    """weight * x / sqrt(mean(x^2) + eps): no mean subtraction, no bias."""

    def __init__(self, d, eps, device=None):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d, device=device))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps))


class Attention(nn.Module):
    """Multi-head attention without 1/sqrt(d_kv) scaling; optionally owns the bias table."""

    def __init__(self, c, has_position_bias, device=None):
        super().__init__()
        inner = c.num_heads * c.d_kv
        self.c = c
        self.q = nn.Linear(c.d_model, inner, bias=False, device=device)
        self.k = nn.Linear(c.d_model, inner, bias=False, device=device)
        self.v = nn.Linear(c.d_model, inner, bias=False, device=device)
        self.o = nn.Linear(inner, c.d_model, bias=False, device=device)
        if has_position_bias:
            self.relative_attention_bias = nn.Embedding(c.num_buckets, c.num_heads, device=device)

    def position_bias(self, tq, tk, bidirectional):
        """(1, H, Tq, Tk) from this layer's bias table."""
        device = self.relative_attention_bias.weight.device  # CUDA indexes only with its own tensors
        positions_q = torch.arange(tq, device=device)[:, None]
        positions_k = torch.arange(tk, device=device)[None, :]
        buckets = relative_position_bucket(
            positions_k - positions_q, bidirectional, self.c.num_buckets, self.c.max_distance
        )
        return self.relative_attention_bias(buckets).permute(2, 0, 1).unsqueeze(0)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.c.num_heads, self.c.d_kv).transpose(1, 2)  # (B, H, T, Dk)

    def forward(self, x, kv, bias):
        q, k, v = self.split(self.q(x)), self.split(self.k(kv)), self.split(self.v(kv))
        scores = q @ k.transpose(-1, -2) + bias  # (B, H, Tq, Tk)
        weights = F.dropout(scores.softmax(-1), self.c.dropout_rate, self.training)
        context = (weights @ v).transpose(1, 2).reshape(x.shape[0], x.shape[1], -1)  # (B, Tq, H*Dk)
        return self.o(context)


class FeedForward(nn.Module):
    """relu: wo(drop(relu(wi x))); gated-gelu: wo(drop(gelu_tanh(wi_0 x) * wi_1 x))."""

    def __init__(self, c, device=None):
        super().__init__()
        self.c = c
        if c.feed_forward_proj == "gated-gelu":
            self.wi_0 = nn.Linear(c.d_model, c.d_ff, bias=False, device=device)
            self.wi_1 = nn.Linear(c.d_model, c.d_ff, bias=False, device=device)
        else:
            self.wi = nn.Linear(c.d_model, c.d_ff, bias=False, device=device)
        self.wo = nn.Linear(c.d_ff, c.d_model, bias=False, device=device)

    def forward(self, x):
        if self.c.feed_forward_proj == "gated-gelu":
            hidden = F.gelu(self.wi_0(x), approximate="tanh") * self.wi_1(x)
        else:
            hidden = F.relu(self.wi(x))
        return self.wo(F.dropout(hidden, self.c.dropout_rate, self.training))


class SubLayer(nn.Module):
    """Pre-norm residual sublayer; the attribute names give HF's parameter names."""

    def __init__(self, c, kind, has_position_bias=False, device=None):
        super().__init__()
        self.c = c
        self.kind = kind
        if kind == "ff":
            self.DenseReluDense = FeedForward(c, device)
        elif kind == "self":
            self.SelfAttention = Attention(c, has_position_bias, device)
        else:
            self.EncDecAttention = Attention(c, False, device)
        self.layer_norm = RMSNorm(c.d_model, c.eps, device)

    def forward(self, x, kv=None, bias=None):
        h = self.layer_norm(x)
        if self.kind == "ff":
            y = self.DenseReluDense(h)
        elif self.kind == "self":
            y = self.SelfAttention(h, h, bias)
        else:
            y = self.EncDecAttention(h, kv, bias)
        return x + F.dropout(y, self.c.dropout_rate, self.training)


class Block(nn.Module):
    def __init__(self, c, is_decoder, has_position_bias, device=None):
        super().__init__()
        kinds = ["self", "cross", "ff"] if is_decoder else ["self", "ff"]
        self.layer = nn.ModuleList(
            SubLayer(c, kind, has_position_bias and kind == "self", device) for kind in kinds
        )

    def forward(self, x, self_bias, encoded=None, cross_bias=None):
        x = self.layer[0](x, bias=self_bias)
        if len(self.layer) == 3:
            x = self.layer[1](x, kv=encoded, bias=cross_bias)
        return self.layer[-1](x)


class Stack(nn.Module):
    def __init__(self, c, is_decoder, device=None):
        super().__init__()
        self.c = c
        self.is_decoder = is_decoder
        n = c.num_decoder_layers if is_decoder else c.num_layers
        self.block = nn.ModuleList(Block(c, is_decoder, i == 0, device) for i in range(n))
        self.final_layer_norm = RMSNorm(c.d_model, c.eps, device)

    def forward(self, embedded, mask_bias, encoded=None):
        t = embedded.shape[1]
        x = F.dropout(embedded, self.c.dropout_rate, self.training)
        # Layer 0's table, computed once and shared by every block.
        bias = self.block[0].layer[0].SelfAttention.position_bias(t, t, not self.is_decoder)
        if self.is_decoder:
            future = torch.triu(torch.full((t, t), MASK_VALUE, dtype=x.dtype, device=x.device), diagonal=1)
            bias = bias + future
            for block in self.block:
                x = block(x, bias, encoded, mask_bias)
        else:
            bias = bias + mask_bias
            for block in self.block:
                x = block(x, bias)
        return F.dropout(self.final_layer_norm(x), self.c.dropout_rate, self.training)


class T5(nn.Module):
    def __init__(self, c, device=None):
        super().__init__()
        self.c = c
        self.shared = nn.Embedding(c.vocab_size, c.d_model, device=device)
        self.encoder = Stack(c, False, device)
        self.decoder = Stack(c, True, device)
        if not c.tie_word_embeddings:
            self.lm_head = nn.Linear(c.d_model, c.vocab_size, bias=False, device=device)

    def forward(self, input_ids, attention_mask, labels):
        """Mean cross-entropy over labels != -100 (teacher forcing: labels shifted right)."""
        c = self.c
        mask_bias = ((1.0 - attention_mask.to(self.shared.weight.dtype)) * MASK_VALUE)[:, None, None, :]
        encoded = self.encoder(self.shared(input_ids), mask_bias)
        start = torch.full_like(labels[:, :1], c.decoder_start_token_id)
        shifted = torch.cat([start, labels[:, :-1]], 1)
        decoder_ids = shifted.masked_fill(shifted == IGNORE_INDEX, c.pad_token_id)
        decoded = self.decoder(self.shared(decoder_ids), mask_bias, encoded)
        if c.tie_word_embeddings:
            logits = (decoded * c.d_model**-0.5) @ self.shared.weight.t()
        else:
            logits = self.lm_head(decoded)
        return F.cross_entropy(logits.reshape(-1, c.vocab_size), labels.reshape(-1), ignore_index=IGNORE_INDEX)


def init_std(name, c):
    """HF _init_weights' standard deviations (factor f): q f(D*Dk)^-1/2, k/v/wi/bias f D^-1/2,
    o f(H*Dk)^-1/2, wo f F^-1/2, embeddings and lm_head f."""
    f = c.initializer_factor
    if name in ("shared.weight", "lm_head.weight"):
        return f
    if name.endswith(".q.weight"):
        return f * (c.d_model * c.d_kv) ** -0.5
    if name.endswith(".o.weight"):
        return f * (c.num_heads * c.d_kv) ** -0.5
    if name.endswith(".wo.weight"):
        return f * c.d_ff**-0.5
    return f * c.d_model**-0.5  # k, v, wi, wi_0, wi_1, relative_attention_bias


def init_weights(model, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("layer_norm.weight"):
                p.fill_(model.c.initializer_factor)
            else:
                p.normal_(0.0, init_std(name, model.c), generator=generator)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
