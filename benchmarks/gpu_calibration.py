"""Calibration data measured on one real accelerator: matrix-multiplication efficiency against
width (bf16 and fp8), HBM bandwidth, memory-bound kernels, and the step time of a plain PyTorch
GPT training loop (bf16 autocast, fused AdamW, SDPA attention, no recomputation).

Run on a machine with a CUDA GPU and PyTorch (the project's `device` tool lends one):

    python3 benchmarks/gpu_calibration.py --out results.json

and keep the JSON in benchmarks/results/. The performance model's per-generation constants
(planner/perf/constants.py) cite these figures; validation/runs/ holds the training steps as
plan files. Each figure is the median of timed repeats after warm-ups (CUDA events).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import time


def _timed(fn, repeats: int = 10, warmup: int = 3) -> float:
    import torch

    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / 1e3)
    return statistics.median(times)


def gemms(tokens: int = 16384) -> list[dict]:
    """Transformer-shaped matmuls: (tokens x k) @ (k x n) for the widths a tensor-parallel slice
    of a layer sees, in bf16 and (where the GPU has it) fp8 e4m3 with per-tensor scales."""
    import torch

    out = []
    dev = "cuda"
    fp8 = hasattr(torch, "float8_e4m3fn") and torch.cuda.get_device_capability()[0] >= 9
    for k in (512, 1024, 2048, 4096, 8192, 16384):
        for n in (k, 4 * k):
            a = torch.randn(tokens, k, device=dev, dtype=torch.bfloat16)
            w = torch.randn(n, k, device=dev, dtype=torch.bfloat16)
            flops = 2.0 * tokens * k * n
            row = {"tokens": tokens, "k": k, "n": n}
            row["bf16_tflops"] = flops / _timed(lambda a=a, w=w: a @ w.t()) / 1e12
            if fp8:
                a8 = a.to(torch.float8_e4m3fn)
                w8 = w.to(torch.float8_e4m3fn)
                one = torch.ones((), device=dev, dtype=torch.float32)
                try:
                    row["fp8_tflops"] = flops / _timed(
                        lambda a8=a8, w8=w8, one=one: torch._scaled_mm(a8, w8.t(), scale_a=one, scale_b=one,
                                                                       out_dtype=torch.bfloat16)
                    ) / 1e12
                    # the cast a recipe pays per matmul input (amax + scale + cast, unfused here)
                    row["fp8_cast_s"] = _timed(lambda a=a: (a.abs().max(), a.to(torch.float8_e4m3fn)))
                except Exception as exc:  # noqa: BLE001 - record why fp8 did not run
                    row["fp8_error"] = repr(exc)[:200]
            out.append(row)
            del a, w
    torch.cuda.empty_cache()
    return out


def bandwidth() -> dict:
    """Device-to-device copy and two memory-bound kernels a transformer layer runs (layer norm,
    GELU), as bytes read + written per second."""
    import torch
    import torch.nn.functional as F

    n = 1 << 30  # 1 Gi elements of bf16 = 2 GiB
    x = torch.empty(n, device="cuda", dtype=torch.bfloat16).normal_()
    y = torch.empty_like(x)
    copy = 2 * x.numel() * 2 / _timed(lambda x=x, y=y: y.copy_(x))
    gelu = 2 * x.numel() * 2 / _timed(lambda x=x: F.gelu(x))
    h = 8192
    x2 = x.view(-1, h)
    norm = 2 * x.numel() * 2 / _timed(lambda: F.layer_norm(x2, (h,)))
    del x, y
    torch.cuda.empty_cache()
    return {"copy_bytes_per_s": copy, "gelu_bytes_per_s": gelu, "layer_norm_bytes_per_s": norm}


def training_steps(configs) -> list[dict]:
    """A plain PyTorch GPT (pre-LayerNorm, GELU MLP of 4h, learned positions, untied output
    layer), bf16 autocast, fp32 master weights, fused AdamW, SDPA causal attention."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Block(nn.Module):
        def __init__(self, h, a):
            super().__init__()
            self.a = a
            self.ln1, self.ln2 = nn.LayerNorm(h), nn.LayerNorm(h)
            self.qkv, self.proj = nn.Linear(h, 3 * h), nn.Linear(h, h)
            self.fc1, self.fc2 = nn.Linear(h, 4 * h), nn.Linear(4 * h, h)

        def forward(self, x):
            b, s, h = x.shape
            q, k, v = self.qkv(self.ln1(x)).view(b, s, 3, self.a, h // self.a).permute(2, 0, 3, 1, 4)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(b, s, h))
            return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self, L, h, a, s, V):
            super().__init__()
            self.tok, self.pos = nn.Embedding(V, h), nn.Embedding(s, h)
            self.blocks = nn.ModuleList(Block(h, a) for _ in range(L))
            self.ln, self.head = nn.LayerNorm(h), nn.Linear(h, V, bias=False)

        def forward(self, idx):
            x = self.tok(idx) + self.pos(torch.arange(idx.shape[1], device=idx.device))
            for blk in self.blocks:
                x = blk(x)
            return self.head(self.ln(x))

    out = []
    for name, L, h, a, s, V, b in configs:
        torch.manual_seed(0)
        try:
            model = GPT(L, h, a, s, V).cuda()
            opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)
            idx = torch.randint(0, V, (b, s), device="cuda")

            def step(model=model, opt=opt, idx=idx, V=V):
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    logits = model(idx)
                loss = F.cross_entropy(logits.float().view(-1, V), idx.view(-1))
                loss.backward()
                opt.step()
                opt.zero_grad(set_to_none=True)

            t = _timed(step, repeats=8, warmup=3)
            params = sum(p.numel() for p in model.parameters())
            out.append({"name": name, "layers": L, "hidden": h, "heads": a, "sequence": s, "vocabulary": V,
                        "microbatch": b, "parameters": params, "step_s": t, "tokens_per_s": b * s / t,
                        "peak_memory_bytes": torch.cuda.max_memory_allocated()})
        except torch.cuda.OutOfMemoryError as exc:
            out.append({"name": name, "error": repr(exc)[:200]})
        finally:
            model = opt = idx = None  # noqa: F841
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
    return out


def llama_steps(configs) -> list[dict]:
    """A plain PyTorch Llama-style model: RMSNorm, grouped-query attention (SDPA with enable_gqa),
    SwiGLU MLP, no biases, untied output layer, no rotary embedding (a small elementwise cost
    left out); bf16 autocast, fp32 weights, fused AdamW; ``recompute`` wraps each block in
    torch.utils.checkpoint (full recomputation)."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.checkpoint import checkpoint

    class Block(nn.Module):
        def __init__(self, h, a, kv, ffn):
            super().__init__()
            self.a, self.kv, self.d = a, kv, h // a
            self.n1, self.n2 = nn.RMSNorm(h), nn.RMSNorm(h)
            self.q = nn.Linear(h, h, bias=False)
            self.k = nn.Linear(h, kv * self.d, bias=False)
            self.v = nn.Linear(h, kv * self.d, bias=False)
            self.o = nn.Linear(h, h, bias=False)
            self.gate = nn.Linear(h, ffn, bias=False)
            self.up = nn.Linear(h, ffn, bias=False)
            self.down = nn.Linear(ffn, h, bias=False)

        def forward(self, x):
            b, s, h = x.shape
            y = self.n1(x)
            q = self.q(y).view(b, s, self.a, self.d).transpose(1, 2)
            k = self.k(y).view(b, s, self.kv, self.d).transpose(1, 2)
            v = self.v(y).view(b, s, self.kv, self.d).transpose(1, 2)
            att = F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
            x = x + self.o(att.transpose(1, 2).reshape(b, s, h))
            y = self.n2(x)
            return x + self.down(F.silu(self.gate(y)) * self.up(y))

    class Llama(nn.Module):
        def __init__(self, L, h, a, kv, ffn, V, recompute):
            super().__init__()
            self.recompute = recompute
            self.tok = nn.Embedding(V, h)
            self.blocks = nn.ModuleList(Block(h, a, kv, ffn) for _ in range(L))
            self.norm, self.head = nn.RMSNorm(h), nn.Linear(h, V, bias=False)

        def forward(self, idx):
            x = self.tok(idx)
            for blk in self.blocks:
                x = checkpoint(blk, x, use_reentrant=False) if self.recompute else blk(x)
            return self.head(self.norm(x))

    out = []
    for name, L, h, a, kv, ffn, s, V, b, recompute in configs:
        torch.manual_seed(0)
        model = opt = idx = None
        try:
            model = Llama(L, h, a, kv, ffn, V, recompute).cuda()
            opt = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)
            idx = torch.randint(0, V, (b, s), device="cuda")

            def step(model=model, opt=opt, idx=idx, V=V):
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    logits = model(idx)
                loss = F.cross_entropy(logits.float().view(-1, V), idx.view(-1))
                loss.backward()
                opt.step()
                opt.zero_grad(set_to_none=True)

            t = _timed(step, repeats=8, warmup=3)
            params = sum(p.numel() for p in model.parameters())
            out.append({"name": name, "layers": L, "hidden": h, "heads": a, "kv_heads": kv, "ffn_hidden": ffn,
                        "sequence": s, "vocabulary": V, "microbatch": b, "recompute": "full" if recompute else "none",
                        "parameters": params, "step_s": t, "tokens_per_s": b * s / t,
                        "peak_memory_bytes": torch.cuda.max_memory_allocated()})
        except torch.cuda.OutOfMemoryError as exc:
            out.append({"name": name, "error": repr(exc)[:200]})
        finally:
            model = opt = idx = None  # noqa: F841
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
    return out


LLAMA_CONFIGS = [  # name, layers, hidden, heads, kv heads, ffn, sequence, vocabulary, microbatch, recompute
    ("llama-1b", 16, 2048, 32, 8, 8192, 2048, 128256, 8, False),
    ("llama-3b", 28, 3072, 24, 8, 8192, 2048, 128256, 4, False),
    ("llama-3b-recompute", 28, 3072, 24, 8, 8192, 2048, 128256, 8, True),
    ("llama-1b-s8192", 16, 2048, 32, 8, 8192, 8192, 128256, 2, False),
]

CONFIGS = [  # name, layers, hidden, heads, sequence, vocabulary, microbatch
    ("gpt-125m", 12, 768, 12, 2048, 50304, 16),
    ("gpt-350m", 24, 1024, 16, 2048, 50304, 16),
    ("gpt-760m", 24, 1536, 16, 2048, 50304, 8),
    ("gpt-1.3b", 24, 2048, 16, 2048, 50304, 8),
    ("gpt-2.7b", 32, 2560, 32, 2048, 50304, 4),
]


def main() -> None:
    import torch

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="gpu_calibration.json")
    ap.add_argument("--quick", action="store_true", help="fewer shapes (a smoke test)")
    ap.add_argument("--llama", action="store_true", help="only the Llama-style training steps")
    args = ap.parse_args()
    if args.llama:
        props = torch.cuda.get_device_properties(0)
        rows = llama_steps(LLAMA_CONFIGS)
        with open(args.out, "w") as f:
            json.dump({"device": props.name, "torch": torch.__version__, "date": time.strftime("%Y-%m-%d"),
                       "llama_training": rows}, f, indent=1)
        for row in rows:
            print(row if "error" in row else
                  f"{row['name']}: {row['step_s'] * 1e3:.1f} ms/step, {row['tokens_per_s']:,.0f} tokens/s, "
                  f"{row['peak_memory_bytes'] / 2**30:.1f} GiB (params {row['parameters']:,})")
        return
    started = time.time()
    props = torch.cuda.get_device_properties(0)
    result = {"device": props.name, "multiprocessors": props.multi_processor_count,
              "memory_bytes": props.total_memory, "torch": torch.__version__, "python": platform.python_version(),
              "date": time.strftime("%Y-%m-%d")}
    result["gemm"] = gemms(4096 if args.quick else 16384)
    print("gemm done", round(time.time() - started, 1), "s", flush=True)
    result["bandwidth"] = bandwidth()
    print("bandwidth done", round(time.time() - started, 1), "s", flush=True)
    result["training"] = training_steps(CONFIGS[:2] if args.quick else CONFIGS)
    result["wall_s"] = time.time() - started
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
    for row in result["gemm"]:
        print(f"gemm k={row['k']:>6} n={row['n']:>6}: bf16 {row['bf16_tflops']:7.1f} TF"
              + (f", fp8 {row['fp8_tflops']:7.1f} TF" if "fp8_tflops" in row else f" {row.get('fp8_error', '')}"))
    print({k: f"{v / 1e12:.2f} TB/s" for k, v in result["bandwidth"].items()})
    for row in result["training"]:
        if "error" in row:
            print(row)
        else:
            six = 6 * row["parameters"] * row["tokens_per_s"] / 1e12
            print(f"{row['name']}: {row['step_s'] * 1e3:.1f} ms/step, {row['tokens_per_s']:,.0f} tokens/s, "
                  f"6PT {six:.0f} TF, {row['peak_memory_bytes'] / 2**30:.1f} GiB (params {row['parameters']:,})")
    print("wall", round(result["wall_s"], 1), "s", "math ok" if math.isfinite(result["wall_s"]) else "")


if __name__ == "__main__":
    main()
