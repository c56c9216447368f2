#!/usr/bin/env python3
"""shotgen's video DiT in plain PyTorch: the reference shotgen is measured against.

Mirrors docs/ENGINE.md exactly (same parameter names, so the model directory's
weights.safetensors loads with strict=True) and is written the way a careful diffusers user would
run it: all guidance branches in one batched forward, torch.inference_mode, the fused
scaled_dot_product_attention and bf16 autocast where the PyTorch version and device have them, and
torch.compile as an option on PyTorch 2.x.

  reference_model.py check MODEL_DIR EXPORT.safetensors
      runs the forward on the inputs `shotgen_bench export` wrote (token ids, noisy clip, timestep,
      conditioning frames) and prints the max abs difference to shotgen's velocity (JSON).
  reference_model.py bench MODEL_DIR [--batches 1,4,16] [--steps 8] [--threads N] [--blas-threads M]
      Euler steps with two-branch guidance; prints the median step time per batch (JSON).

Token ids come from shotgen (the export) or, for timing, are synthetic: cost does not depend on
which words a prompt holds (the context has a fixed length). The reference-image feature
extractors are not mirrored: the benchmark shots have no references, whose context slots are then
zero tokens with a -inf bias, exactly as shotgen builds them. Works on PyTorch 1.13 and 2.x.
"""
import argparse
import json
import math
import os
import struct
import sys
import time
from collections import OrderedDict


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check")
    check.add_argument("model_dir")
    check.add_argument("export")
    bench = sub.add_parser("bench")
    bench.add_argument("model_dir")
    bench.add_argument("--batches", default="1,4,16")
    bench.add_argument("--steps", type=int, default=8, help="timed steps per batch (median)")
    bench.add_argument("--clip-steps", type=int, default=24, help="sampler steps of one clip, for clips/s")
    bench.add_argument("--frames", type=int, default=8)
    bench.add_argument("--width", type=int, default=128)
    bench.add_argument("--height", type=int, default=64)
    bench.add_argument("--device", default="auto", help="auto (CUDA if available), cpu or cuda")
    bench.add_argument("--compile", action="store_true", help="torch.compile the denoiser (PyTorch 2.x)")
    bench.add_argument("--no-bf16", action="store_true", help="float32 on CUDA too")
    for p in (check, bench):
        p.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0 = torch's default)")
        p.add_argument("--blas-threads", type=int, default=0, help="OPENBLAS_NUM_THREADS (0 = leave as is)")
    return parser.parse_args()


ARGS = parse_args()
if ARGS.blas_threads > 0:  # read by OpenBLAS when torch loads it: must be set before the import
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.blas_threads)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HAS_SDPA = hasattr(F, "scaled_dot_product_attention")


# ---- safetensors (the `safetensors` package is not in Debian 12) ----------------------------------
def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len])
    base = 8 + header_len
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = data[base + begin:base + end]
        if info["dtype"] == "F32":
            array = np.frombuffer(raw, dtype="<f4")
        elif info["dtype"] == "F16":
            array = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif info["dtype"] == "BF16":
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError(f"{path}: tensor {name}: unsupported dtype {info['dtype']}")
        tensors[name] = torch.from_numpy(array.copy()).reshape(info["shape"])
    return tensors


# ---- the network -----------------------------------------------------------------------------------
def attention(q, k, v, bias):
    """softmax(q·kᵀ/√d + bias)·v; q [S,H,Lq,d], bias broadcastable to [S,H,Lq,Lk]."""
    if HAS_SDPA:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=None if bias is None else bias.to(q.dtype))
    scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    if bias is not None:
        scores = scores + bias.to(scores.dtype)
    return torch.matmul(torch.softmax(scores, -1), v)


def split_heads(x, heads):
    s, l, d = x.shape
    return x.view(s, l, heads, d // heads).transpose(1, 2)


def merge_heads(x):
    s, h, l, d = x.shape
    return x.transpose(1, 2).reshape(s, l, h * d)


class SelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, bias=None):
        q, k, v = self.qkv(x).chunk(3, -1)
        return self.out(merge_heads(attention(split_heads(q, self.heads), split_heads(k, self.heads),
                                              split_heads(v, self.heads), bias)))


class CrossAttention(nn.Module):
    def __init__(self, dim, context_dim, heads):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(context_dim, 2 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, context, bias):
        k, v = self.kv(context).chunk(2, -1)
        return self.out(merge_heads(attention(split_heads(self.q(x), self.heads), split_heads(k, self.heads),
                                              split_heads(v, self.heads), bias)))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class TextLayer(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attention = SelfAttention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = Mlp(dim, hidden)

    def forward(self, x, key_bias):
        h = x + self.attention(self.norm1(x), key_bias)
        return h + self.mlp(self.norm2(h))


class TextEncoder(nn.Module):
    def __init__(self, cfg, vocabulary_size):
        super().__init__()
        dt = cfg["text_width"]
        self.token_embedding = nn.Embedding(vocabulary_size, dt)
        self.position_embedding = nn.Parameter(torch.zeros(cfg["max_tokens"], dt))
        hidden = int(dt * cfg["mlp_ratio"])
        self.layers = nn.ModuleList(TextLayer(dt, cfg["text_heads"], hidden) for _ in range(cfg["text_depth"]))
        self.final_norm = nn.LayerNorm(dt)

    def forward(self, ids):
        b, length = ids.shape
        x = self.token_embedding(ids) + self.position_embedding[:length].unsqueeze(0)
        key_bias = torch.zeros(ids.shape, dtype=x.dtype, device=x.device).masked_fill(ids == 0, float("-inf"))
        key_bias = key_bias.view(b, 1, 1, length)
        for layer in self.layers:
            x = layer(x, key_bias)
        return self.final_norm(x)


class ReferenceGroup(nn.Module):
    """The learned part of a reference token group (its input features are not mirrored)."""

    def __init__(self, features, tokens, width):
        super().__init__()
        self.fc1 = nn.Linear(features, width)
        self.fc2 = nn.Linear(width, tokens * width)
        self.embedding = nn.Parameter(torch.zeros(tokens, width))


def sinusoidal(positions, dim):
    half = dim // 2
    frequencies = torch.exp(torch.arange(half, dtype=torch.float32, device=positions.device) * (-math.log(10000.0) / half))
    angles = positions.to(torch.float32).unsqueeze(-1) * frequencies
    return torch.cat([torch.cos(angles), torch.sin(angles)], -1)


def spatial_positions(h, w, dim, device):
    rows = torch.arange(h, dtype=torch.float32, device=device).view(h, 1).expand(h, w).reshape(h * w)
    cols = torch.arange(w, dtype=torch.float32, device=device).view(1, w).expand(h, w).reshape(h * w)
    return torch.cat([sinusoidal(rows, dim // 2), sinusoidal(cols, dim // 2)], 1)


def modulate(x, shift, scale):
    x = F.layer_norm(x, (x.shape[-1],), eps=1e-6)
    return x * (1 + scale[:, None, None]) + shift[:, None, None]


class DiTBlock(nn.Module):
    def __init__(self, dim, heads, hidden, context_dim, depthwise_kernel):
        super().__init__()
        self.modulation = nn.Linear(dim, 12 * dim)
        self.spatial_attention = SelfAttention(dim, heads)
        self.temporal_attention = SelfAttention(dim, heads)
        self.cross_attention = CrossAttention(dim, context_dim, heads)
        self.mlp = Mlp(dim, hidden)
        self.mlp_depthwise = (nn.Conv2d(hidden, hidden, depthwise_kernel, padding=depthwise_kernel // 2, groups=hidden)
                              if depthwise_kernel else None)

    def feed_forward(self, x, gh, gw):
        hidden = self.mlp.fc1(x)
        if self.mlp_depthwise is not None:
            b, t, n, c = hidden.shape
            grid = hidden.reshape(b * t, gh, gw, c).permute(0, 3, 1, 2)
            hidden = self.mlp_depthwise(grid).permute(0, 2, 3, 1).reshape(b, t, n, c)
        return self.mlp.fc2(F.gelu(hidden))

    def forward(self, x, conditioning, context, context_bias, gh, gw):
        b, t, n, d = x.shape
        m = self.modulation(F.silu(conditioning)).chunk(12, 1)
        h = modulate(x, m[0], m[1]).reshape(b * t, n, d)
        x = x + m[2][:, None, None] * self.spatial_attention(h).view(b, t, n, d)
        h = modulate(x, m[3], m[4]).transpose(1, 2).reshape(b * n, t, d)
        x = x + m[5][:, None, None] * self.temporal_attention(h).view(b, n, t, d).transpose(1, 2)
        h = modulate(x, m[6], m[7]).reshape(b, t * n, d)
        x = x + m[8][:, None, None] * self.cross_attention(h, context, context_bias).view(b, t, n, d)
        return x + m[11][:, None, None] * self.feed_forward(modulate(x, m[9], m[10]), gh, gw)


class Denoiser(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        p, d, dt = cfg["patch_size"], cfg["width"], cfg["text_width"]
        self.patch, self.dim = p, d
        # A latent model denoises latent channels (its frame autoencoder is not part of a step).
        c = cfg["latent_channels"] if cfg.get("latent_channels", 0) > 0 else 3
        self.channels = c
        self.patch_embed = nn.Linear((2 * c + 1) * p * p, d)
        self.time_embed = nn.Sequential(OrderedDict(fc1=nn.Linear(256, d), act=nn.SiLU(), fc2=nn.Linear(d, d)))
        self.pooled_embed = nn.Linear(dt, d)
        self.context_norm = nn.LayerNorm(dt)
        hidden = int(d * cfg["mlp_ratio"])
        self.blocks = nn.ModuleList(DiTBlock(d, cfg["heads"], hidden, dt, cfg["mlp_depthwise_kernel"])
                                    for _ in range(cfg["depth"]))
        self.final_modulation = nn.Linear(d, 2 * d)
        self.final_linear = nn.Linear(d, c * p * p)

    def forward(self, x_t, t, cond_frames, cond_mask, context_in, context_bias):
        b, _, frames, height, width = x_t.shape
        p, d = self.patch, self.dim
        h, w = height // p, width // p
        n = h * w
        mask = cond_mask.to(x_t.dtype).expand(b, 1, frames, height, width)
        inp = torch.cat([x_t, cond_frames * mask, mask], 1)
        c = inp.shape[1]
        tokens = inp.view(b, c, frames, h, p, w, p).permute(0, 2, 3, 5, 1, 4, 6).reshape(b, frames, n, c * p * p)
        x = self.patch_embed(tokens)
        positions = (spatial_positions(h, w, d, x_t.device).view(1, 1, n, d) +
                     sinusoidal(torch.arange(frames, device=x_t.device), d).view(1, frames, 1, d))
        x = x + positions.to(x.dtype)
        context = self.context_norm(context_in)
        weights = torch.exp(context_bias.float())
        pooled = (context.float() * weights.unsqueeze(-1)).sum(1) / weights.sum(1, keepdim=True).clamp_min(1e-6)
        conditioning = self.time_embed(sinusoidal(t * 1000.0, 256)) + self.pooled_embed(pooled.to(context.dtype))
        bias = context_bias.view(b, 1, 1, context_bias.shape[1])
        for block in self.blocks:
            x = block(x, conditioning, context, bias, h, w)
        shift, scale = self.final_modulation(F.silu(conditioning)).chunk(2, 1)
        out = self.final_linear(modulate(x, shift, scale))
        c = self.channels
        return out.view(b, frames, h, w, c, p, p).permute(0, 4, 1, 2, 5, 3, 6).reshape(b, c, frames, height, width)


class ShotModel(nn.Module):
    def __init__(self, cfg, vocabulary_size, reference_features):
        super().__init__()
        self.cfg = cfg
        self.text_encoder = TextEncoder(cfg, vocabulary_size)
        self.reference_encoder = nn.ModuleDict(
            (group, ReferenceGroup(features, cfg["reference_tokens_per_group"], cfg["text_width"]))
            for group, features in reference_features.items())
        self.denoiser = Denoiser(cfg)

    def encode_context(self, token_ids, token_weights):
        """Text tokens, then every (empty) reference slot: zero tokens with a -inf bias."""
        cfg = self.cfg
        text = self.text_encoder(token_ids)
        text_bias = torch.log(token_weights.float().clamp_min(0.0)).masked_fill(token_ids == 0, float("-inf"))
        slots = cfg["max_references"] * len(cfg["reference_groups"]) * cfg["reference_tokens_per_group"]
        b = token_ids.shape[0]
        tokens = torch.cat([text, torch.zeros(b, slots, cfg["text_width"], dtype=text.dtype, device=text.device)], 1)
        bias = torch.cat([text_bias, torch.full((b, slots), float("-inf"), device=text.device)], 1)
        return tokens, bias


DEFAULT_CONFIG = {"latent_channels": 0, "latent_factor": 8, "autoencoder_width": 64, "patch_size": 4, "width": 128, "depth": 4, "heads": 4, "mlp_ratio": 2.0, "mlp_depthwise_kernel": 0,
                  "text_width": 128,
                  "text_depth": 2, "text_heads": 4, "max_tokens": 77, "vocab_file": "vocab.txt", "hash_buckets": 1024,
                  "reference_groups": ["palette", "lighting", "texture", "composition"],
                  "reference_tokens_per_group": 2, "max_references": 4}


def load_model(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = dict(DEFAULT_CONFIG, **json.load(f))
    with open(os.path.join(model_dir, cfg["vocab_file"])) as f:
        words = [line.strip() for line in f if line.strip()]
    weights = read_safetensors(os.path.join(model_dir, "weights.safetensors"))
    # The frame autoencoder of a latent model codes frames before and after sampling, not in a step.
    weights = {name: value for name, value in weights.items() if not name.startswith("autoencoder.")}
    features = {g: weights[f"reference_encoder.{g}.fc1.weight"].shape[1] for g in cfg["reference_groups"]}
    model = ShotModel(cfg, 2 + len(words) + cfg["hash_buckets"], features)
    model.load_state_dict(weights, strict=True)
    return model.eval()


# ---- commands --------------------------------------------------------------------------------------
def set_threads():
    if ARGS.threads > 0:
        torch.set_num_threads(ARGS.threads)


def thread_info():
    return {"torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "openblas_num_threads_env": os.environ.get("OPENBLAS_NUM_THREADS"), "sdpa": HAS_SDPA}


def run_check():
    set_threads()
    model = load_model(ARGS.model_dir)
    data = read_safetensors(ARGS.export)
    with torch.inference_mode():
        ids = data["token_ids"].round().long()
        context, bias = model.encode_context(ids, data["token_weights"])
        velocity = model.denoiser(data["x_t"], data["t"], data["cond_frames"], data["cond_mask"] > 0.5, context, bias)
    difference = (velocity - data["velocity"]).abs()
    print(json.dumps({"max_abs_diff": difference.max().item(), "mean_abs_diff": difference.mean().item(),
                      "velocity_abs_max": data["velocity"].abs().max().item(), "rows": ids.shape[0],
                      **thread_info()}))


def run_bench():
    set_threads()
    auto = "cuda" if torch.cuda.is_available() else "cpu"
    device = torch.device(auto if ARGS.device == "auto" else ARGS.device)
    model = load_model(ARGS.model_dir).to(device)
    cfg = model.cfg
    use_bf16 = device.type == "cuda" and not ARGS.no_bf16
    denoiser = model.denoiser
    if ARGS.compile:
        if not hasattr(torch, "compile"):
            raise SystemExit("torch.compile needs PyTorch 2.x")
        denoiser = torch.compile(denoiser)
    guidance = 5.0
    results = []
    generator = torch.Generator().manual_seed(0)
    for clips in [int(b) for b in ARGS.batches.split(",")]:
        rows = 2 * clips  # positive and negative branch of every clip, one forward
        ids = torch.zeros(rows, cfg["max_tokens"], dtype=torch.long)
        ids[:, 0] = 1
        words = min(24, cfg["max_tokens"] - 1)  # a typical assembled prompt's length
        ids[:, 1:1 + words] = torch.randint(2, model.text_encoder.token_embedding.num_embeddings, (rows, words),
                                            generator=generator)
        with torch.inference_mode(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
            context, bias = model.encode_context(ids.to(device), torch.ones(rows, cfg["max_tokens"], device=device))
            factor = cfg["latent_factor"] if cfg.get("latent_channels", 0) > 0 else 1
            shape = (clips, model.denoiser.channels, ARGS.frames, ARGS.height // factor, ARGS.width // factor)
            x = torch.randn(shape, generator=generator).to(device)
            cond_frames = torch.zeros((rows,) + shape[1:], device=device)
            cond_mask = torch.zeros(rows, 1, ARGS.frames, 1, 1, dtype=torch.bool, device=device)
            times = [1.0 - i / ARGS.steps for i in range(ARGS.steps + 2)]
            stamps = []
            for i in range(ARGS.steps + 1):  # +1: the first step warms up and is not timed
                t = torch.full((rows,), times[i], device=device)
                v = denoiser(torch.cat([x, x], 0), t, cond_frames, cond_mask, context, bias).float()
                v_pos, v_neg = v.chunk(2, 0)
                x = x + (times[i + 1] - times[i]) * (v_neg + guidance * (v_pos - v_neg))
                if device.type == "cuda":
                    torch.cuda.synchronize()
                stamps.append(time.perf_counter())
        step = float(np.median(np.diff(stamps)))
        results.append({"clips": clips, "rows": rows, "step_s": step, "step_per_clip_s": step / clips,
                        "clips_per_s": clips / (ARGS.clip_steps * step)})
        print(f"  python batch {clips}: {step * 1e3:.1f} ms/step", file=sys.stderr)
    print(json.dumps({"batches": results, "device": str(device), "bf16": use_bf16, "compile": ARGS.compile,
                      **thread_info()}))


if __name__ == "__main__":
    run_check() if ARGS.command == "check" else run_bench()
