import pytest

import planner
from planner import catalog

REQUIRED = {
    "accelerators": ["v100-sxm", "a100-40gb", "a100-80gb", "h100-sxm", "h200-sxm", "b200", "mi300x",
                     "b300", "gb200", "gb300", "h800-sxm", "h20", "mi325x", "mi355x"],
    "systems": ["dgx-a100", "dgx-h100", "dgx-h200", "dgx-b200", "hgx-h100", "mi300x-platform",
                "dgx-b300", "hgx-b300", "gb200-nvl72", "gb300-nvl72", "hgx-h800", "hgx-h20", "mi325x-platform",
                "mi355x-platform"],
    "fabrics": ["infiniband-hdr", "infiniband-ndr", "infiniband-xdr", "roce-400g", "roce-800g", "ethernet-100g"],
    "switches": ["qm8700", "cs8500", "qm9700", "q3400", "sn5600"],
    "cooling": ["air", "rear-door", "liquid", "immersion"],
}
NEW = [("accelerators", i) for i in REQUIRED["accelerators"][7:]] + \
      [("systems", i) for i in REQUIRED["systems"][6:]] + [("switches", i) for i in REQUIRED["switches"]]


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


@pytest.mark.parametrize("kind, id_", NEW)
def test_new_entries_cite_sources_and_mark_estimates(kind, id_):
    entry = catalog.builtin().kind(kind)[id_]
    assert len(entry.source) > 150, f"{kind} {id_}: the source is too thin"
    if getattr(entry, "price_usd", None) is not None:
        assert "estimate" in entry.source  # no vendor lists these prices


def test_2026_accelerator_figures():
    cat = catalog.builtin().accelerators
    # GB200 NVL72 (72 GPUs): 360 PF FP16/BF16, 720 PF FP8, 1,440 PF FP4, all with sparsity
    gb200 = cat["gb200"]
    assert gb200.sparse_flops["bf16"] * 72 == pytest.approx(360e15)
    assert gb200.sparse_flops["fp8"] * 72 == pytest.approx(720e15)
    assert gb200.sparse_flops["fp4"] * 72 == pytest.approx(1440e15)
    assert gb200.peak_flops["bf16"] == 2.5e15 and gb200.memory_bytes == 186e9 and gb200.tdp_w == 1200
    # GB300: FP4 1,080 PF dense for the rack; HGX B300: 108 PF dense FP4 for 8 GPUs
    assert cat["gb300"].peak_flops["fp4"] * 72 == pytest.approx(1080e15)
    assert cat["b300"].peak_flops["fp4"] * 8 == pytest.approx(108e15)
    assert cat["b300"].sparse_flops["bf16"] * 8 == pytest.approx(36e15)
    # H800: H100 compute, NVLink cut to 400 GB/s; H20: 148 TF BF16 dense, 96 GB
    assert cat["h800-sxm"].peak_flops["bf16"] == cat["h100-sxm"].peak_flops["bf16"]
    assert cat["h800-sxm"].scale_up_bandwidth_bytes_per_s == 400e9
    assert cat["h20"].peak_flops["bf16"] == 148e12 and cat["h20"].memory_bytes == 96e9
    # MI325X: MI300X compute, 256 GB at 6 TB/s, 1 kW; MI355X: 2.5 PF BF16 dense, 288 GB, 1.4 kW
    assert cat["mi325x"].peak_flops == cat["mi300x"].peak_flops and cat["mi325x"].memory_bytes == 256e9
    assert cat["mi355x"].peak_flops["bf16"] == pytest.approx(2.5166e15) and cat["mi355x"].tdp_w == 1400


def test_2026_system_figures():
    cat = catalog.builtin()
    nvl = cat.systems["gb200-nvl72"]
    assert (nvl.accelerators, nvl.domain, nvl.rack_scale, nvl.cooling, nvl.ports) == (72, 72, True, "liquid", 72)
    assert 120e3 <= nvl.max_power_w <= 132e3  # "about 120-132 kW"
    assert cat.systems["gb300-nvl72"].max_power_w == pytest.approx(142e3 * 1.01)  # NVIDIA: up to 142 kW
    assert cat.systems["dgx-b300"].max_power_w == 14.5e3 and cat.systems["dgx-b300"].domain == 8
    assert cat.cooling["liquid"].liquid and cat.cooling["immersion"].liquid and not cat.cooling["rear-door"].liquid
    assert cat.cooling["liquid"].rack_power_limit_w >= cat.systems["gb300-nvl72"].max_power_w
    assert cat.switches["cs8500"].ports == 800 and cat.switches["cs8500"].port_speed_bytes_per_s == 25e9


def test_cli_catalog_lists_the_new_entries(capsys):
    from planner.cli import main

    assert main(["catalog"]) == 0
    out = capsys.readouterr().out
    for kind in catalog.KINDS:
        assert f"{kind}:" in out
        for id_ in REQUIRED[kind]:
            assert f"  {id_} " in out
    assert "72 x gb200, 126 kW max, a whole rack, liquid-cooled" in out
    assert "800 x 200 Gb/s, 15 kW, 29U" in out
