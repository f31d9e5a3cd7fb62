"""Serving under load: continuous batching at the batch that meets the SLO, the replicas a
demand needs, and the search over tensor parallelism, batch and precision (README, "Serving
model").

At batch b a replica spends, per request, its prefill's busy time plus output x step(b) / b of
decoding, so it completes R(b) = 1 / (prefill + output x step(b) / b) requests per second.
Prefills take a share rho = r x prefill of its time at r requests per second; decode steps fill
the rest, so a sequence waits step(B) / (1 - rho) between tokens, with B = r x output x TPOT
sequences in flight (Little's law). The first token waits for the prefill, the prefills queued
ahead (M/D/1: rho x prefill / (2 (1 - rho))) and one decode step."""

from __future__ import annotations

import math
from dataclasses import dataclass

from .serving_model import MAX_BATCH, Replica, arithmetic, decode_step, facts_of, kv_precision_of, prefill, replica
from .serving_plan import ServingParallelism, Slo


@dataclass(frozen=True)
class Point:
    """One batch size of a replica run flat out: a point of the latency-throughput curve."""

    batch: int
    step_s: float  # one decode step at this batch
    tpot_s: float  # time per output token at saturation (prefills included)
    requests_per_s: float  # what one replica completes
    tokens_per_s_per_gpu: float
    bound: str  # "bandwidth" | "compute": what limits the step's matrix multiplications


@dataclass(frozen=True)
class Design:
    """A replica layout and batch sized for the demand, with its latencies at that load."""

    replica: Replica
    max_batch: int
    batch: int  # the replica's largest batch (the engine's batch limit)
    replicas: int
    gpus: int
    served_requests_per_s: float
    output_tokens_per_s: float  # the whole deployment's
    ttft_s: float
    tpot_s: float
    meets_slo: bool
    utilization: float  # served load / what the replicas could do at this batch
    bound: str
    prefill_s: float  # one request's prefill, alone
    decode_tokens_per_s: float  # one replica at this batch, decoding only
    prefill_tokens_per_s: float  # one replica, prefilling only
    points: tuple  # the latency-throughput curve of this layout (Point per batch size)

    @property
    def layout(self) -> str:
        r = self.replica
        return f"t{r.tensor} p{r.pipeline} e{r.expert} {r.precision}, KV {r.kv_precision}"


def batches(max_batch: int) -> list[int]:
    """1, 2, 4, ... up to the largest batch that fits, which is always included."""
    out = [b for b in (2**k for k in range(int(math.log2(max(max_batch, 1))) + 1)) if b <= max_batch]
    return out + ([max_batch] if max_batch and max_batch not in out else [])


def curve(r: Replica, demand, max_batch: int) -> list[Point]:
    context = demand.input_tokens + demand.output_tokens / 2
    _, busy = prefill(r, demand.input_tokens)
    out = []
    for b in batches(max_batch):
        step, bound = decode_step(r, b, context)
        rate = 1.0 / (busy + demand.output_tokens * step / b)
        out.append(Point(b, step, step / (1.0 - rate * busy), rate, rate * demand.output_tokens / r.gpus, bound))
    return out


def at_load(r: Replica, demand, rate: float, batch: int) -> tuple[float, float]:
    """(TTFT, TPOT) of a replica receiving ``rate`` requests per second, its batch limited to
    ``batch`` (rate at most what it completes at that batch)."""
    context = demand.input_tokens + demand.output_tokens / 2
    latency, busy = prefill(r, demand.input_tokens)
    rho = rate * busy

    def in_flight(b: float) -> float:  # sequences decoding when b are assumed to be
        return rate * demand.output_tokens * decode_step(r, b, context)[0] / (1.0 - rho)

    lo, hi = 0.0, float(batch)
    if in_flight(hi) > hi:  # cannot keep up (rounding at the edge): saturated
        lo = hi
    for _ in range(32):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if in_flight(mid) <= mid else (mid, hi)
    step = decode_step(r, hi, context)[0]
    ttft = latency + rho * busy / (2.0 * (1.0 - rho)) + step
    return ttft, step / (1.0 - rho)


def design(r: Replica, demand, slo, cap: int | None) -> Design:
    """The batch (and so the replicas) that serves the demand on the fewest accelerators within the
    SLO; if none meets it, the one closest to it."""
    tokens_held = demand.input_tokens + demand.output_tokens / 2
    max_batch = r.max_batch(tokens_held)
    latency, busy = prefill(r, demand.input_tokens)
    if not r.fits or max_batch < 1:
        return Design(r, 0, 0, 0, 0, 0.0, 0.0, math.inf, math.inf, False, 0.0, "memory", latency, 0.0,
                      demand.input_tokens / busy, ())
    points = curve(r, demand, max_batch)
    limit = cap // r.gpus if cap is not None else None
    best, best_key = None, None
    for pt in points:
        n = math.ceil(demand.requests_per_s / pt.requests_per_s - 1e-9)
        if limit is not None:
            n = min(n, limit)
        if n < 1:
            continue
        served = min(demand.requests_per_s, n * pt.requests_per_s)
        if served < demand.requests_per_s * (1 - 1e-9):
            ttft, tpot = math.inf, pt.tpot_s  # queues grow without bound
        else:  # at most the saturated figures (fewer sequences in flight): exact only when needed
            rho = served / n * busy
            ttft, tpot = latency + rho * busy / (2.0 * (1.0 - rho)) + pt.step_s, pt.tpot_s
            if ttft > slo.time_to_first_token_s or tpot > slo.time_per_output_token_s:
                ttft, tpot = at_load(r, demand, served / n, pt.batch)
        excess = max(ttft / slo.time_to_first_token_s, tpot / slo.time_per_output_token_s)
        meets = excess <= 1.0 + 1e-9
        key = (not meets, -served, n if meets else excess, tpot)
        if best_key is None or key < best_key:
            best_key = key
            best = (pt, n, served, ttft, tpot, meets)
    if best is None:  # the cap holds less than one replica
        return Design(r, max_batch, 0, 0, 0, 0.0, 0.0, math.inf, math.inf, False, 0.0, points[0].bound, latency,
                      0.0, demand.input_tokens / busy, tuple(points))
    pt, n, served, ttft, tpot, meets = best
    if math.isfinite(ttft):
        ttft, tpot = at_load(r, demand, served / n, pt.batch)
    return Design(r, max_batch, pt.batch, n, n * r.gpus, served, served * demand.output_tokens, ttft, tpot, meets,
                  served / (n * pt.requests_per_s), pt.bound, latency, pt.batch / pt.step_s,
                  demand.input_tokens / busy, tuple(points))


# -- the search -------------------------------------------------------------------------------
def precisions(machine, stated: str) -> list[str]:
    """Precisions the accelerator computes: the stated one, or each it has ('auto')."""
    if stated != "auto":
        return [stated]
    peaks = machine.peak_flops_per_gpu
    sixteen = "bf16" if peaks.get("bf16") else "fp16"
    return [p for p in (sixteen, "fp8", "fp4", "int8", "int4") if peaks.get(arithmetic(p, peaks))]


def tensors(facts, machine, stated, pipeline: int, expert: int, cap: int | None) -> list[int]:
    if stated != "auto":
        return [int(stated)]
    node = max(machine.gpus_per_node, 1)
    out = [t for t in (2**k for k in range(11)) if t <= node and facts.heads % t == 0]
    if cap is not None:
        out = [t for t in out if t * pipeline * expert <= cap] or out[:1]
    return out or [1]


def rank_key(d: Design) -> tuple:
    """Fits, then meets the SLO, then fewest accelerators (the cost per token), then the
    shortest time per output token."""
    return (not d.replica.fits, not d.meets_slo, -d.served_requests_per_s,
            d.gpus if d.meets_slo else 0, d.tpot_s, -d.replica.tensor if not d.replica.fits else 0)


def search(w, machine, all_precisions: bool = False) -> list[Design]:
    """Every replica layout of the workload (tensor sizes; precisions too when ``all_precisions``
    or the workload's is 'auto'), best first."""
    facts = facts_of(w.model, w.parameters)
    par = w.parallelism or ServingParallelism()
    slo = w.slo or Slo()
    peaks = machine.peak_flops_per_gpu
    chosen = precisions(machine, "auto" if all_precisions else w.precision)
    if all_precisions and w.precision != "auto" and w.precision not in chosen:
        chosen.insert(0, w.precision)
    out = []
    for prec in chosen:
        kv = kv_precision_of(prec, w.kv_cache_precision, peaks)
        for t in tensors(facts, machine, par.tensor, par.pipeline, par.expert, w.gpus):
            r = replica(facts, machine, t, par.pipeline, par.expert, prec, kv)
            out.append(design(r, w.demand, slo, w.gpus))
    return sorted(out, key=rank_key)


__all__ = ["MAX_BATCH", "Design", "Point", "at_load", "batches", "curve", "design", "rank_key", "search"]
