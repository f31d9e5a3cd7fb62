"""Rail-optimized fabrics reproduce the switch and cable counts of NVIDIA's DGX SuperPOD
reference architectures; director-class switches give Meta RSC's two-level Clos."""

import pytest

from planner import catalog
from planner.model import network

CAT = catalog.builtin()
NDR = CAT.fabrics["infiniband-ndr"]  # QM9700, 64 x 400 Gb/s
XDR = CAT.fabrics["infiniband-xdr"]  # Q3400, 144 x 800 Gb/s
HDR = CAT.fabrics["infiniband-hdr"]  # QM8700, 40 x 200 Gb/s


def rail(fabric, nodes, rails=8, su=None):
    return network.size(fabric, "rail-optimized", nodes * rails, nodes * rails, 1.0, nodes=nodes, rails=rails,
                        scalable_unit=su)


# DGX SuperPOD with DGX H100 RA, "Compute fabric component count" (table 4): SUs, nodes, GPUs,
# leaf, spine, compute + UFM cables, spine-leaf cables. One node slot per SU holds the UFM
# appliance (31 nodes per SU); its 4 cables are in the published count, not in the model's.
H100_TABLE = [(1, 31, 248, 8, 4, 252, 256), (2, 63, 504, 16, 8, 508, 512), (3, 95, 760, 24, 16, 764, 768),
              (4, 127, 1016, 32, 16, 1020, 1024)]


@pytest.mark.parametrize("sus, nodes, gpus, leaf, spine, node_cables, spine_leaf", H100_TABLE)
def test_dgx_h100_superpod_table(sus, nodes, gpus, leaf, spine, node_cables, spine_leaf):
    r = rail(NDR, nodes)
    assert r.scalable_units == sus and r.scalable_unit_nodes == 32
    assert r.levels == 2 and r.switches_per_level == (leaf, spine)
    assert r.endpoints == gpus and r.endpoint_links == node_cables - 4  # the UFM's 4 cables
    assert r.switch_links == spine_leaf  # leaves and up-links provisioned for whole SUs


# DGX SuperPOD with DGX B200 RA, "Larger DGX SuperPOD component counts": SUs, nodes, GPUs,
# leaf, spine, core, node-leaf, leaf-spine, spine-core cables.
B200_TABLE = [(2, 64, 512, 16, 8, 0, 512, 512, 0), (4, 128, 1024, 32, 16, 0, 1024, 1024, 0),
              (8, 256, 2048, 64, 32, 0, 2048, 2048, 0), (16, 512, 4096, 128, 128, 64, 4096, 4096, 4096),
              (32, 1024, 8192, 256, 256, 128, 8192, 8192, 8192),
              (64, 2048, 16384, 512, 512, 256, 16384, 16384, 16384)]


@pytest.mark.parametrize("sus, nodes, gpus, leaf, spine, core, node_leaf, leaf_spine, spine_core", B200_TABLE)
def test_dgx_b200_superpod_table(sus, nodes, gpus, leaf, spine, core, node_leaf, leaf_spine, spine_core):
    r = rail(NDR, nodes)
    assert r.scalable_units == sus and r.endpoints == gpus
    assert r.switches_per_level == ((leaf, spine, core) if core else (leaf, spine))
    assert r.levels == (3 if core else 2)
    assert r.endpoint_links == node_leaf and r.switch_links == leaf_spine + spine_core


# DGX SuperPOD with DGX B300 on XDR InfiniBand RA, table 3 (72 nodes per SU on 144-port Q3400):
# SUs, nodes, GPUs, leaf, spine, node-leaf, leaf-spine. 4 and 8 SUs take 18 and 36 spines, not
# 16 and 32: each leaf spreads its 72 up-links evenly over the spines.
B300_XDR_TABLE = [(1, 72, 576, 8, 4, 576, 576), (2, 144, 1152, 16, 8, 1152, 1152),
                  (4, 288, 2304, 32, 18, 2304, 2304), (8, 576, 4608, 64, 36, 4608, 4608)]


@pytest.mark.parametrize("sus, nodes, gpus, leaf, spine, node_leaf, leaf_spine", B300_XDR_TABLE)
def test_dgx_b300_xdr_superpod_table(sus, nodes, gpus, leaf, spine, node_leaf, leaf_spine):
    r = rail(XDR, nodes)
    assert r.scalable_units == sus and r.scalable_unit_nodes == 72
    assert r.switches_per_level == (leaf, spine)
    assert r.endpoint_links == node_leaf == gpus and r.switch_links == leaf_spine


def test_rail_optimized_is_not_sized_as_a_fat_tree():
    # 3 SUs of DGX H100: a fat tree puts 768 up-links on 12 spines; NVIDIA's table has 16 (24
    # leaves x 32 up-links spread evenly: 2 links from each leaf to each spine)
    fat = network.size(NDR, "fat-tree", 760, 760, 1.0)
    assert fat.switches_per_level == (24, 12)
    assert rail(NDR, 95).switches_per_level == (24, 16)
    # a part-filled SU still gets its full leaves and up-links (the RA's advice)
    assert rail(NDR, 33).switches_per_level == (16, 8) and fat.scalable_units == 0


def test_gb200_scalable_unit_is_eight_racks():
    # 8 NVL72 racks of 72 ports (one 400 Gb/s NIC per GPU): 576 endpoints, 18 leaves of 32 down
    r = rail(NDR, 8, rails=72, su=8)
    assert r.scalable_units == 1 and r.endpoints == 576
    assert r.switches_per_level == (18, 16) and r.switch_links == 576
    # four SUs outgrow two levels of 64-port switches (72 leaves > 64 ports on a spine)
    r4 = rail(NDR, 32, rails=72, su=8)
    assert r4.levels == 3 and r4.switches_per_level == (72, 72, 36)


def test_oversubscribed_rail_fabric():
    # leaves with 56 down and 8 up (7:1): 256 nodes x 8 rails in SUs of 56 nodes
    r = network.size(NDR, "rail-optimized", 2048, 2048, 7.0, nodes=256, rails=8)
    assert r.scalable_unit_nodes == 56 and r.scalable_units == 5
    # 40 leaves x 8 up-links = 320 would fit 5 spines of 64, but 8 up-links spread evenly need 8
    assert r.switches_per_level == (40, 8)
    assert r.bandwidth_per_accelerator_bytes_per_s == pytest.approx(50e9 / 7)
    assert r.pod_endpoints == 56 * 8  # one SU: its nodes reach each other below the spines


def test_director_on_top_gives_two_levels():
    cs8500 = CAT.switches["cs8500"]
    assert cs8500.ports == 800
    assert network.capacity(40, 2, top=800) == 16_000  # 800 directors' ports x 20 down per leaf
    assert network.capacity(40, 2) == 800
    r = network.size(HDR, "fat-tree", 16_000, 16_000, 1.0, top_switch=cs8500)
    assert r.levels == 2 and r.switches_per_level == (800, 20)
    assert r.switch_models == ("infiniband-hdr", "cs8500")
    # power: 800 x 253 W + 20 x 15 kW, 64,000 optics x 4.5 W
    assert r.switch_power_w == pytest.approx(800 * 253 + 20 * 15_000)
    assert r.optics_power_w == pytest.approx(64_000 * 4.5)


def test_switch_for_every_tier():
    # a fabric of directors only: 40 leaves of 800 ports (400 down), 20 on top
    cs8500 = CAT.switches["cs8500"]
    r = network.size(HDR, "fat-tree", 16_000, 16_000, 1.0, switch=cs8500)
    assert r.switches_per_level == (40, 20) and r.switch_models == ("cs8500", "cs8500")
