"""How a serving deployment's headline figures were computed (the Explain panel): the formula,
the values put in and the plan fields they came from."""

from __future__ import annotations

from ..explanation import Explanation
from ..units import format_quantity as q
from .serving_cost import latency_text as _t
from .serving_cost import usd_text as _usd


def explain(plan, results, key: str, index: int):
    w = results.workloads[index]
    wl = plan.workloads[index]
    s, base = w.serving, f"workloads[{index}]"
    demand = (f"{w.requests_per_s:,.4g} requests/s x {w.output_tokens:,} output tokens", base + ".demand")
    if key == "sustained":
        return Explanation(key, f"GPUs needed by {w.name}", f"{s.gpus:,}",
                           "replicas x tensor x pipeline x expert; replicas = ceil(requests/s / what one replica "
                           "completes at its batch), 1 / (prefill + output tokens x decode step / batch)", (
                               ("Requests per second", f"{w.requests_per_s:,.4g}", base + ".demand.requests_per_s"),
                               ("Layout of a replica", s.layout, base + ".parallelism"),
                               ("Batch per replica", f"{s.batch:,} of {s.max_batch:,} that fit", base + ".slo"),
                               ("Replicas", f"{s.replicas:,}", ""),
                               ("Weights per accelerator", q(s.weights_bytes_per_gpu, "bytes"), base + ".precision"),
                               ("KV cache per request", q(s.kv_cache_bytes_per_request, "bytes"),
                                base + ".kv_cache_precision"),
                               ("Cap", f"{wl.gpus:,}" if wl.gpus else "none", base + ".gpus"),
                           ))
    if key == "time":
        return Explanation(key, f"Latency of {w.name}", f"{_t(s.ttft_s)} / {_t(s.tpot_s)}",
                           "TPOT = decode step(B) / (1 - rho), rho = requests per replica x prefill time, "
                           "B = requests x output x TPOT in flight (Little's law); TTFT = prefill + rho x prefill "
                           "/ (2 (1 - rho)) (M/D/1 queue) + one decode step", (
                               ("Prompt / answer tokens", f"{w.input_tokens:,} / {w.output_tokens:,}",
                                base + ".demand"),
                               ("Utilization of the replicas", f"{w.utilization:.0%}", ""),
                               ("Time to first token (target)", f"{_t(s.ttft_s)} ({_t(w.slo_ttft_s)})",
                                base + ".slo.time_to_first_token"),
                               ("Time per output token (target)", f"{_t(s.tpot_s)} ({_t(w.slo_tpot_s)})",
                                base + ".slo.time_per_output_token"),
                               ("Decode bound by", w.bound, base + ".precision"),
                           ))
    if key == "energy":
        return Explanation(key, f"Output tokens/s of {w.name}", f"{s.output_tokens_per_s:,.0f}",
                           "requests served per second x output tokens; per MW = tokens/s / (IT power x PUE)", (
                               demand,
                               ("Decode capacity at the batch", f"{s.decode_tokens_per_s:,.0f} tokens/s", ""),
                               ("Prefill capacity", f"{s.prefill_tokens_per_s:,.0f} tokens/s", ""),
                               ("IT power", q(s.power_w, "power"), ""),
                               ("Tokens/s per MW", f"{s.tokens_per_s_per_mw:,.0f}", "facility.pue"),
                               ("Energy per output token", f"{s.energy_j_per_token:.3g} J", ""),
                           ))
    if key == "emissions":
        price = (base + ".price_per_gpu_hour" if wl.price_per_gpu_hour is not None
                 else base + ".amortization" if wl.amortization_s is not None else "costs")
        return Explanation(key, f"Cost per million tokens of {w.name}", _usd(s.usd_per_million_tokens),
                           "GPUs x cost per GPU-second / output tokens per second x 1e6; cost per GPU-second = "
                           "price per GPU-hour / 3,600, or the plan's cost of ownership per GPU (or capital "
                           "cost per GPU / amortization) + IT power x PUE x electricity price", (
                               ("GPUs", f"{s.gpus:,}", base + ".gpus"),
                               ("Cost per GPU-hour", f"{w.usd_per_gpu_hour:.4g} USD ({w.cost_basis})", price),
                               ("Output tokens/s", f"{s.output_tokens_per_s:,.0f}", base + ".demand"),
                               ("Cost per year", _usd(s.cost_usd_per_year), ""),
                           ))
    return None
