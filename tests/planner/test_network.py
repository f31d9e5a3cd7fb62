import pytest

from planner import catalog
from planner.model import network


def fabric(k=40):
    return catalog.builtin().fabrics["infiniband-hdr" if k == 40 else "infiniband-ndr"]


def test_capacity_formula():
    assert network.capacity(40, 1) == 40
    assert network.capacity(40, 2) == 800  # k^2/2
    assert network.capacity(40, 3) == 16_000  # k^3/4
    assert network.capacity(64, 2) == 2048


def test_16000_endpoints_on_40_ports_is_exactly_three_levels():
    assert network.levels_needed(16_000, 40) == 3
    assert network.levels_needed(16_001, 40) == 4
    r = network.size(fabric(40), "fat-tree", 16_000, 16_000, 1.0)
    assert r.levels == 3
    assert r.switches_per_level == (800, 800, 400)  # 5 k^2 / 4 = 2,000 switches
    assert r.switches == 2000
    assert r.switch_links == 32_000
    assert r.transceivers == 2 * (32_000 + 16_000)
    assert r.bisection_bandwidth_bytes_per_s == pytest.approx(16_000 * 25e9 / 2)


def test_small_fabric_is_one_switch():
    r = network.size(fabric(40), "fat-tree", 32, 32, 1.0)
    assert r.levels == 1 and r.switches == 1 and r.switch_links == 0


def test_two_levels():
    r = network.size(fabric(64), "fat-tree", 1024, 1024, 1.0)
    assert r.levels == 2
    assert r.switches_per_level == (32, 16)


def test_oversubscription_at_the_top_tier():
    r1 = network.size(fabric(64), "fat-tree", 24_576, 24_576, 1.0)
    r7 = network.size(fabric(64), "fat-tree", 24_576, 24_576, 7.0)
    assert r7.switches < r1.switches
    assert r7.bandwidth_per_accelerator_bytes_per_s == pytest.approx(50e9 / 7)
    assert r7.injection_bandwidth_per_accelerator_bytes_per_s == 50e9
    assert r7.bisection_bandwidth_bytes_per_s == pytest.approx(r1.bisection_bandwidth_bytes_per_s / 7)
    # an oversubscribed top tier holds more endpoints at the same number of levels
    assert network.capacity(64, 2, 7.0) > network.capacity(64, 2, 1.0)


def test_empty_fabric():
    r = network.size(fabric(40), "fat-tree", 0, 0, 1.0)
    assert r.switches == 0 and r.power_w == 0
