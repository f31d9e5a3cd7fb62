import pytest

import planner
from planner import catalog

REQUIRED = {
    "accelerators": ["v100-sxm", "a100-40gb", "a100-80gb", "h100-sxm", "h200-sxm", "b200", "mi300x"],
    "systems": ["dgx-a100", "dgx-h100", "dgx-h200", "dgx-b200", "hgx-h100", "mi300x-platform"],
    "fabrics": ["infiniband-hdr", "infiniband-ndr", "infiniband-xdr", "roce-400g", "roce-800g", "ethernet-100g"],
    "cooling": ["air", "rear-door", "liquid", "immersion"],
}


@pytest.mark.parametrize("kind", list(REQUIRED))
def test_required_entries_present(kind):
    assert set(REQUIRED[kind]) <= set(catalog.builtin().kind(kind))


def test_every_entry_cites_a_source():
    cat = catalog.builtin()
    for kind in catalog.KINDS:
        for entry in cat.kind(kind).values():
            assert len(entry.source) > 20, f"{kind} {entry.id} has no source"


def test_published_figures():
    cat = planner.builtin_catalog()
    a100 = cat.accelerators["a100-80gb"]
    assert a100.peak_flops["bf16"] == 312e12 and a100.sparse_flops["bf16"] == 624e12
    assert a100.memory_bandwidth_bytes_per_s == 2039e9
    h100 = cat.accelerators["h100-sxm"]
    # Hopper's headline BF16 figure (1,979 TF) is sparse; dense is half.
    assert h100.peak_flops["bf16"] == 989.4e12
    assert h100.sparse_flops["bf16"] == pytest.approx(2 * h100.peak_flops["bf16"], rel=1e-3)
    assert h100.tdp_w == 700
    assert cat.systems["dgx-a100"].max_power_w == 6500
    assert cat.systems["dgx-h100"].max_power_w == 10200
    assert cat.systems["dgx-b200"].max_power_w == 14300
    assert cat.fabrics["infiniband-hdr"].port_speed_bytes_per_s == 25e9
    assert cat.fabrics["infiniband-ndr"].port_speed_bytes_per_s == 50e9


def test_dense_never_above_sparse():
    for acc in catalog.builtin().accelerators.values():
        for prec, sparse in (acc.sparse_flops or {}).items():
            assert sparse >= acc.peak_flops[prec], (acc.id, prec)


def test_systems_reference_known_accelerators():
    cat = catalog.builtin()
    for s in cat.systems.values():
        assert s.accelerator in cat.accelerators
