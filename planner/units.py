"""Quantities with units: parse at the edges, SI base units inside, format for people.

Inside the planner every number is in SI base units: W, J, s, B, B/s, FLOP, FLOP/s,
USD, kg, USD/J, kg/J. This module turns strings such as ``200 Gb/s`` or ``0.07 USD/kWh``
into those numbers and back. Decimal prefixes (1 PB = 1e15 B) unless the unit says
KiB/MiB/GiB/TiB/PiB/EiB. ``b`` is a bit, ``B`` a byte.
"""

from __future__ import annotations

import math
import re

# Dimensions, by name. Each maps to the SI base unit used inside.
DIMENSIONS = {
    "count": "",
    "power": "W",
    "energy": "J",
    "bytes": "B",
    "bandwidth": "B/s",
    "flops": "FLOP",
    "flop_rate": "FLOP/s",
    "time": "s",
    "usd": "USD",
    "mass": "kg",
    "usd_per_energy": "USD/J",
    "mass_per_energy": "kg/J",
    "tokens_rate": "tokens/s",
    "usd_per_power_time": "USD/(W s)",
}

_SI = {"": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "Z": 1e21}
_SI_SMALL = {"m": 1e-3, "u": 1e-6, "µ": 1e-6, "n": 1e-9}
_BINARY = {"Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50, "Ei": 2.0**60}

_KWH = 3.6e6  # J per kWh
_DAY = 86400.0
_YEAR = 365.0 * _DAY  # a planning year of 365 days
_MONTH = _YEAR / 12  # a colocation month: a twelfth of the planning year


def _build_table() -> dict[str, tuple[str, float]]:
    table: dict[str, tuple[str, float]] = {}

    def add(dim: str, base: str, factor: float = 1.0, prefixes=_SI) -> None:
        for p, f in prefixes.items():
            table[p + base] = (dim, f * factor)

    add("power", "W")
    add("energy", "J")
    add("energy", "Wh", 3600.0)
    add("bytes", "B")
    add("bytes", "B", prefixes=_BINARY)
    add("bytes", "b", 1 / 8)
    add("bandwidth", "B/s")
    add("bandwidth", "B/s", prefixes=_BINARY)
    add("bandwidth", "Bps")
    add("bandwidth", "b/s", 1 / 8)
    add("bandwidth", "bit/s", 1 / 8)
    add("bandwidth", "bps", 1 / 8)
    for name in ("FLOP", "FLOPs", "flop", "flops"):
        add("flops", name)
    for name in ("FLOP/s", "FLOPS", "flop/s", "FLOPs/s"):
        add("flop_rate", name)
    for name in ("OP/s", "OPS"):
        add("flop_rate", name)
    add("time", "s", prefixes={**_SI_SMALL, "": 1.0})
    for name, f in {
        "sec": 1, "second": 1, "seconds": 1, "min": 60, "minute": 60, "minutes": 60,
        "h": 3600, "hr": 3600, "hour": 3600, "hours": 3600, "d": _DAY, "day": _DAY,
        "days": _DAY, "week": 7 * _DAY, "weeks": 7 * _DAY, "y": _YEAR, "yr": _YEAR,
        "year": _YEAR, "years": _YEAR,
    }.items():
        table[name] = ("time", float(f))
    for name in ("USD", "$", "usd"):
        add("usd", name)
    table["g"] = ("mass", 1e-3)
    table["kg"] = ("mass", 1.0)
    table["t"] = ("mass", 1e3)
    table["tCO2e"] = ("mass", 1e3)
    table["kgCO2e"] = ("mass", 1.0)
    for money in ("USD", "$"):
        for e_name, e_f in (("J", 1.0), ("Wh", 3600.0), ("kWh", _KWH), ("MWh", 1e3 * _KWH)):
            table[f"{money}/{e_name}"] = ("usd_per_energy", 1.0 / e_f)
    for m_name, m_f in (("g", 1e-3), ("kg", 1.0), ("t", 1e3), ("kgCO2e", 1.0), ("gCO2e", 1e-3)):
        for e_name, e_f in (("J", 1.0), ("kWh", _KWH), ("MWh", 1e3 * _KWH)):
            table[f"{m_name}/{e_name}"] = ("mass_per_energy", m_f / e_f)
    # Facility and colocation prices are quoted per kW of (critical) power per month or year.
    for money in ("USD", "$"):
        for p_name, p_f in (("W", 1.0), ("kW", 1e3), ("MW", 1e6)):
            for t_name, t_f in (("month", _MONTH), ("mo", _MONTH), ("year", _YEAR), ("yr", _YEAR)):
                for sep in ("-", "/", " "):
                    table[f"{money}/{p_name}{sep}{t_name}"] = ("usd_per_power_time", 1.0 / (p_f * t_f))
    table["%"] = ("count", 0.01)
    table["tokens/s"] = ("tokens_rate", 1.0)
    table["token/s"] = ("tokens_rate", 1.0)
    table["tok/s"] = ("tokens_rate", 1.0)
    for p, f in _SI.items():
        if p:
            table[p] = ("count", f)  # "300 G" tokens, "1.4 T" tokens
    table["billion"] = ("count", 1e9)
    table["trillion"] = ("count", 1e12)
    table["million"] = ("count", 1e6)
    return table


UNITS = _build_table()

_NUMBER = r"[-+]?(?:\d[\d_,]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_QUANTITY = re.compile(rf"^\s*({_NUMBER}|[-+]?inf|nan)\s*(.*?)\s*$", re.IGNORECASE)
_PER_ACCELERATOR = re.compile(r"\s+per\s+(gpu|accelerator|chip|device)\s*$", re.IGNORECASE)
_THOUSANDS = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][-+]?\d+)?")


def is_per_accelerator(text: str) -> bool:
    """True when ``text`` ends with "per GPU" (or per accelerator, chip, device)."""
    return bool(_PER_ACCELERATOR.search(str(text)))


class UnitError(ValueError):
    """A string that is not a quantity of the expected dimension (message says why)."""


def parse_number(text: str) -> float:
    """A bare number written as text (``300e9``, ``1,024``); UnitError otherwise."""
    value, dim = parse(text, "count")
    return value


def parse(text: str, dim: str) -> tuple[float, str]:
    """Parse ``text`` as a quantity of dimension ``dim``; return (SI value, dimension).

    A bare number is taken as already in SI base units. Raises UnitError with a message
    a person can act on.
    """
    if dim not in DIMENSIONS:
        raise KeyError(dim)
    s = _PER_ACCELERATOR.sub("", str(text))
    m = _QUANTITY.match(s)
    if not m:
        raise UnitError(f"a number with a unit of {describe(dim)}")
    num_text, unit = m.group(1), m.group(2)
    if "," in num_text and not _THOUSANDS.fullmatch(num_text):
        point = num_text.replace(",", ".") if num_text.count(",") == 1 and "." not in num_text else None
        hint = f": write {point}" if point else ""
        raise UnitError(f"a number with a decimal point, not a comma{hint} (a comma may only group thousands, "
                        f"as in 1,000 or 12,500,000)")
    try:
        number = float(num_text.replace("_", "").replace(",", ""))
    except ValueError as exc:  # pragma: no cover - the regex admits only numbers
        raise UnitError(f"a number with a unit of {describe(dim)}") from exc
    if not unit:
        return number, dim
    entry = UNITS.get(unit) or UNITS.get(unit.replace(" ", ""))
    if entry is None:
        raise UnitError(f"a unit of {describe(dim)}; '{unit}' is not a unit this planner knows")
    unit_dim, factor = entry
    if unit_dim != dim:
        if unit_dim == "count" and dim != "count" and unit in _SI:
            raise UnitError(f"a unit of {describe(dim)}; '{unit}' alone is only a prefix")
        raise UnitError(f"a unit of {describe(dim)}, not of {describe(unit_dim)} ('{unit}')")
    return number * factor, dim


_EXAMPLES = {
    "count": "a plain number, e.g. 300e9 or 45%",
    "power": "power, e.g. 6.5 kW",
    "energy": "energy, e.g. 1287 MWh",
    "bytes": "size, e.g. 175 PB or 80 GB",
    "bandwidth": "bandwidth, e.g. 200 Gb/s or 2 TB/s",
    "flops": "work, e.g. 3.14e23 FLOP",
    "flop_rate": "compute rate, e.g. 312 TFLOP/s",
    "time": "time, e.g. 14 days",
    "usd": "money, e.g. 199000 USD",
    "mass": "mass, e.g. 552 t",
    "usd_per_energy": "energy price, e.g. 0.07 USD/kWh",
    "mass_per_energy": "carbon intensity, e.g. 0.4 kg/kWh",
    "tokens_rate": "token rate, e.g. 380 tokens/s",
    "usd_per_power_time": "a price per power and time, e.g. 150 USD/kW-month",
}


def describe(dim: str) -> str:
    return _EXAMPLES.get(dim, dim)


# Preferred display units per dimension (largest first), and the order of prefixes tried.
_DISPLAY: dict[str, list[tuple[str, float]]] = {
    "power": [("GW", 1e9), ("MW", 1e6), ("kW", 1e3), ("W", 1.0)],
    "energy": [("TWh", 3.6e15), ("GWh", 3.6e12), ("MWh", 3.6e9), ("kWh", 3.6e6), ("J", 1.0)],
    "bytes": [("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3), ("B", 1.0)],
    "bandwidth": [("TB/s", 1e12), ("GB/s", 1e9), ("MB/s", 1e6), ("kB/s", 1e3), ("B/s", 1.0)],
    "bitrate": [("Tb/s", 1e12 / 8), ("Gb/s", 1e9 / 8), ("Mb/s", 1e6 / 8), ("b/s", 1 / 8)],
    "flops": [("ZFLOP", 1e21), ("EFLOP", 1e18), ("PFLOP", 1e15), ("TFLOP", 1e12), ("GFLOP", 1e9), ("FLOP", 1.0)],
    "flop_rate": [("EFLOP/s", 1e18), ("PFLOP/s", 1e15), ("TFLOP/s", 1e12), ("GFLOP/s", 1e9), ("FLOP/s", 1.0)],
    "time": [("years", _YEAR), ("days", _DAY), ("h", 3600.0), ("min", 60.0), ("s", 1.0)],
    "usd": [("USD", 1.0)],
    "mass": [("t", 1e3), ("kg", 1.0)],
    "usd_per_energy": [("USD/kWh", 1 / _KWH)],
    "mass_per_energy": [("kg/kWh", 1 / _KWH)],
    "tokens_rate": [("tokens/s", 1.0)],
    "usd_per_power_time": [("USD/kW-month", 1 / (1e3 * _MONTH))],
    "count": [("", 1.0)],
}


def best_unit(value: float, dim: str) -> tuple[str, float]:
    """The display unit a person would choose for ``value`` (largest with |x| >= 1)."""
    choices = _DISPLAY[dim]
    a = abs(value)
    for name, factor in choices:
        if a >= factor * 0.9999:
            return name, factor
    return choices[-1]


def format_quantity(value: float, dim: str, digits: int = 4) -> str:
    """Human display: ``6.5 kW``, ``1 EB``, ``33.9 days``; ``digits`` significant figures."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return str(value)
    name, factor = best_unit(value, dim)
    x = value / factor
    text = f"{x:.{digits}g}"
    if "e" in text:
        text = f"{x:,.0f}" if abs(x) >= 1 else f"{x:.{digits}g}"
    return f"{text} {name}".strip()


def to_text(value: float, dim: str, display: str | None = None) -> str | float | int:
    """Exact, readable text for saving: parses back to exactly ``value``.

    Uses the unit a person would choose; falls back to the bare SI number when the
    readable form would not round-trip bit for bit.
    """
    if dim == "count":
        return int(value) if float(value).is_integer() and abs(value) < 1e15 else value
    family = display or dim
    name, factor = best_unit(value, family)
    x = value / factor
    for candidate in (f"{x:.6g}", f"{x:.12g}", repr(x)):
        text = f"{candidate} {name}"
        try:
            back, _ = parse(text, dim)
        except UnitError:  # pragma: no cover - our own display units always parse
            break
        if back == value:
            return text
    return int(value) if float(value).is_integer() and abs(value) < 1e15 else value


def format_duration(seconds: float, decimals: int = 1) -> str:
    """A run's length as a planner reads it: ``33.9 days`` from a day up, else ``17.36 h``."""
    if seconds == float("inf"):
        return "never (no throughput)"
    if seconds >= 86400:
        return f"{seconds / 86400:,.{decimals}f} days"
    return format_quantity(seconds, "time")
