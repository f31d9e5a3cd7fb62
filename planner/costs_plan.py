"""The plan's ``costs:`` section: what total cost of ownership needs beyond the prices of the
hardware (catalog) and of electricity (``facility.electricity_price``).

Every default says where it comes from; most are assumptions a planner should replace with
their own figures (planner/model/tco.py uses them; the README's "Total cost of ownership"
section explains the formulas).
"""

from __future__ import annotations

from dataclasses import dataclass

from .schema import field
from .units import parse


def _years(n: float) -> float:
    return parse(f"{n} years", "time")[0]


# Depreciation periods (straight line, no residual value). Hyperscalers book servers and network
# gear over 5-6 years (Microsoft 10-K FY2023 and Alphabet 10-K 2023: 6 years; Meta from 2025:
# 5.5 years; Amazon from 2025: 5 years for some servers, citing the pace of AI hardware).
# Accelerators lose their value faster: a new generation every ~2 years. 4 years: an assumption.
SYSTEMS_LIFE_S = _years(4)
NETWORK_LIFE_S = _years(6)  # as Microsoft's and Alphabet's network equipment
STORAGE_LIFE_S = _years(5)  # an assumption, between the two
FACILITY_LIFE_S = _years(20)  # an assumption: buildings, power and cooling plant outlive many clusters
# Maintenance and support per year as a fraction of hardware capex: the "server opex" of 5% of
# capex per year in Barroso, Clidaras and Hölzle's TCO case study (The Datacenter as a Computer,
# 2nd ed., 2013, ch. 6), taken as an assumption for accelerator systems.
MAINTENANCE = 0.05


@dataclass(frozen=True, kw_only=True)
class Costs:
    systems_life_s: float = field("systems_depreciation", "quantity",
                                  "Depreciation period of the accelerator systems (nodes). Default: an assumption "
                                  "(servers: 5-6 years at Microsoft, Alphabet, Meta; accelerators age faster)",
                                  SYSTEMS_LIFE_S, dim="time", strict_min=True, maximum=_years(100))
    network_life_s: float = field("network_depreciation", "quantity",
                                  "Depreciation period of the fabric (switches, transceivers). Default: Microsoft's "
                                  "and Alphabet's 6 years for network equipment (10-K 2023)",
                                  NETWORK_LIFE_S, dim="time", strict_min=True, maximum=_years(100))
    storage_life_s: float = field("storage_depreciation", "quantity",
                                  "Depreciation period of the storage tiers. Default: an assumption",
                                  STORAGE_LIFE_S, dim="time", strict_min=True, maximum=_years(100))
    facility_capex_usd: float | None = field("facility_capex", "quantity",
                                             "Build-out of an owned facility (building, power, cooling); none: not "
                                             "counted (a colocated cluster pays facility_price instead)", None,
                                             dim="usd")
    facility_life_s: float = field("facility_depreciation", "quantity",
                                   "Depreciation period of facility_capex. Default: an assumption", FACILITY_LIFE_S,
                                   dim="time", strict_min=True, maximum=_years(100))
    facility_price_usd_per_w_s: float = field(
        "facility_price", "quantity",
        "Colocation or facility operating price per kW of IT power at maximum (space, cooling plant, staff; "
        "electricity apart). Default 0: an assumption, set it (e.g. a colocation quote)", 0.0,
        dim="usd_per_power_time")
    maintenance: float = field("maintenance", "number",
                               "Maintenance and support per year, as a fraction of hardware capex. Default 5%: "
                               "the server opex of Barroso et al.'s TCO case study (an assumption for GPUs)",
                               MAINTENANCE, maximum=1.0)
