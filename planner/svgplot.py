"""Small, dependency-free SVG charts for the HTML report (the desktop app uses pyqtgraph)."""

from __future__ import annotations

import math
from html import escape

W, H = 560, 260
L, R, T, B = 70, 20, 28, 44


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    step = 10 ** math.floor(math.log10((hi - lo) / n))
    for m in (1, 2, 5, 10):
        if (hi - lo) / (step * m) <= n:
            step *= m
            break
    start = math.ceil(lo / step) * step
    return [start + i * step for i in range(int((hi - start) / step) + 1)]


def _frame(title: str, body: list[str], xlabel: str, ylabel: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
            f'font-family="sans-serif" font-size="11">'
            f'<text x="{W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>'
            + "".join(body)
            + f'<text x="{(L + W - R) / 2}" y="{H - 6}" text-anchor="middle">{escape(xlabel)}</text>'
            f'<text x="14" y="{(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 14 {(T + H - B) / 2})">'
            f'{escape(ylabel)}</text></svg>')


def bars(title: str, labels: list[str], values: list[float], ylabel: str, color: str = "#3b78c2") -> str:
    top = max(values + [0]) * 1.1 or 1
    ticks = _ticks(0, top)
    top = max(top, ticks[-1])
    pw, ph = W - L - R, H - T - B
    body = []
    for t in ticks:
        y = T + ph * (1 - t / top)
        body.append(f'<line x1="{L}" x2="{W - R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                    f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">{t:g}</text>')
    n = max(len(values), 1)
    bw = pw / n * 0.6
    for i, (lab, v) in enumerate(zip(labels, values, strict=True)):
        x = L + pw * (i + 0.5) / n
        h = ph * v / top
        body.append(f'<rect x="{x - bw / 2:.1f}" y="{T + ph - h:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                    f'fill="{color}"><title>{escape(lab)}: {v:.4g}</title></rect>'
                    f'<text x="{x:.1f}" y="{T + ph + 14}" text-anchor="middle">{escape(lab)}</text>')
    return _frame(title, body, "", ylabel)


def line(title: str, xs: list[float], ys: list[float], xlabel: str, ylabel: str, mark: tuple | None = None,
         logx: bool = False, step: bool = False) -> str:
    pts = [(x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(y)]
    if not pts:
        return _frame(title, [], xlabel, ylabel)
    fx = (lambda v: math.log10(v)) if logx else (lambda v: v)
    x0, x1 = min(fx(p[0]) for p in pts), max(fx(p[0]) for p in pts)
    if x1 == x0:
        x1 = x0 + 1
    top = max(p[1] for p in pts) * 1.1 or 1
    ticks = _ticks(0, top)
    top = max(top, ticks[-1])
    pw, ph = W - L - R, H - T - B

    def sx(v):
        return L + pw * (fx(v) - x0) / (x1 - x0)

    def sy(v):
        return T + ph * (1 - v / top)

    body = []
    for t in ticks:
        body.append(f'<line x1="{L}" x2="{W - R}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" stroke="#ddd"/>'
                    f'<text x="{L - 6}" y="{sy(t) + 4:.1f}" text-anchor="end">{t:g}</text>')
    if logx:  # 1-2-5 ticks on a log axis
        xticks = [m * 10.0**k for k in range(math.floor(x0), math.ceil(x1) + 1) for m in (1, 2, 5)
                  if x0 <= math.log10(m * 10.0**k) <= x1]
    else:
        xticks = [x0 + (x1 - x0) * i / 4 for i in range(5)]
    for v in xticks:
        label = f"{v:,.0f}" if logx else f"{v:g}"
        body.append(f'<text x="{sx(v):.1f}" y="{T + ph + 14}" text-anchor="middle">{label}</text>')
    d = []
    for i, (x, y) in enumerate(pts):
        if step and i:
            d.append(f"L{sx(x):.1f},{sy(pts[i - 1][1]):.1f}")
        d.append(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}")
    body.append(f'<path d="{" ".join(d)}" fill="none" stroke="#3b78c2" stroke-width="2"/>')
    if mark and math.isfinite(mark[1]):
        body.append(f'<circle cx="{sx(mark[0]):.1f}" cy="{sy(mark[1]):.1f}" r="5" fill="#d9534f">'
                    f'<title>this design: {mark[0]:,.0f}, {mark[1]:.4g}</title></circle>')
    return _frame(title, body, xlabel, ylabel)
