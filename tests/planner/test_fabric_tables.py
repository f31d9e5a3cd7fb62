"""Rail-optimized fabrics reproduce the switch and cable counts of NVIDIA's DGX SuperPOD
reference architectures (H100, B200, B300-XDR, GB200 NVL72); director-class switches give Meta
RSC's two-level Clos."""

import pytest

import planner
from planner import catalog
from planner.model import network
from tests.conftest import PRESETS

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
    assert r.tier_links == (node_cables - 4, spine_leaf)


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


# DGX SuperPOD with DGX GB200 RA (RA-11338-001 V01, 2025-06-16; docs.nvidia.com/dgx-superpod/
# reference-architecture-scalable-infrastructure-gb200, "Network Fabrics", section 4.2 "Compute
# Fabric"), table 4.1 "Larger SuperPOD component counts": GPUs, SUs, core groups, switches per
# core group, core switches, IB leaf switches per SU and in all, IB spine switches per SU and in
# all. An SU is 8 DGX GB200 racks; "each SU contains 4 SLGs to match with the number of IB rails
# (which equals the number of GPUs per compute tray). There are 8 leaf switches (one for each
# compute rack) and 6 spine switches in each SLG"; QM9700 (64-port NDR) throughout.
GB200_TABLE = [(1152, 2, 6, 3, 18, 32, 64, 24, 48), (2304, 4, 6, 6, 36, 32, 128, 24, 96),
               (4608, 8, 6, 12, 72, 32, 256, 24, 192), (9216, 16, 6, 24, 144, 32, 512, 24, 384)]


def nvl72(fabric, racks, su=8):
    # a GB200 NVL72 rack: 72 NDR ports in 4 rails of 18 (one ConnectX-7 per GPU of each compute tray)
    return network.size(fabric, "rail-optimized", racks * 72, racks * 72, 1.0, nodes=racks, rails=4,
                        scalable_unit=su, ports_per_rail=18)


@pytest.mark.parametrize("gpus, sus, groups, per_group, core, leaf_su, leaf, spine_su, spine", GB200_TABLE)
def test_dgx_gb200_superpod_table(gpus, sus, groups, per_group, core, leaf_su, leaf, spine_su, spine):
    r = nvl72(NDR, sus * 8)
    assert r.endpoints == gpus and r.scalable_units == sus and r.scalable_unit_nodes == 8
    assert leaf == leaf_su * sus and spine == spine_su * sus and core == groups * per_group
    assert r.levels == 3 and r.switches_per_level == (leaf, spine, core)
    # cables, which the table does not list, as the RA builds them ("rail-optimized, non-blocking,
    # full fat-tree", table 3.1): a leaf takes 18 trays' ports and 18 up-links (3 to each of its
    # SLG's 6 spines), a spine 24 up-links: one leaf-spine and one spine-core cable per GPU
    assert r.endpoint_links == gpus and r.switch_links == 2 * gpus and r.tier_links == (gpus, gpus, gpus)
    assert r.transceivers == 6 * gpus  # every link optical, two ends each
    assert r.max_endpoints == 9216  # "scalability for up to and including 16 SUs"


def test_gb200_rails_are_the_compute_tray_nics():
    nvl = CAT.systems["gb200-nvl72"]
    assert nvl.ports == 72 and nvl.rails == 4 and nvl.ports_per_rail == 18
    assert CAT.systems["dgx-h100"].rails == 8 and CAT.systems["dgx-h100"].ports_per_rail == 1


def test_gb200_single_scalable_unit():
    # one SU: 32 leaves (table 4.1, per SU), one per rail per rack with 18 of its 32 down ports used;
    # "traffic between different compute racks, or between different rails, traverses the spine
    # layer", so every leaf reaches every spine: 32 x 18 up-links spread evenly take 9 spines (the
    # model's count: the RA's figure 4.2 for one SU has no table)
    r = nvl72(NDR, 8)
    assert r.levels == 2 and r.switches_per_level == (32, 9)
    assert r.endpoint_links == 576 and r.switch_links == 576 and r.max_endpoints == 64 * 18
    assert r.tier_links == (576, 576)  # 18 up-links a leaf, not the 32 a full leaf would have
    # a part-filled SU is provisioned whole (RA, chapter 4)
    assert nvl72(NDR, 5).switches_per_level == (32, 9)
    # past 16 SUs the core groups cannot take every spine's up-links: spines and cores as a fat tree
    r17 = nvl72(NDR, 17 * 8)
    assert r17.switches_per_level == (544, 306, 153) and r17.max_endpoints == 65_536
    assert r17.tier_links == (9792, 9792, 306 * 32) and r17.switch_links == 9792 + 306 * 32


@pytest.mark.parametrize("sus, switches", [(1, (32, 9)), (2, (64, 48, 18)), (4, (128, 96, 36)),
                                           (8, (256, 192, 72))])
def test_gb200_plans_size_their_fabric_from_the_catalog_rails(sus, switches):
    plan = planner.loads(f"""
name: GB200
phases: [{{name: A, nodes: [{{system: gb200-nvl72, count: {8 * sus}}}]}}]
network: {{fabric: infiniband-ndr, topology: rail-optimized, scalable_unit: 8}}
facility: {{cooling: liquid}}
""")
    net = planner.evaluate(plan).network
    assert net.switches_per_level == switches and net.scalable_units == sus
    assert net.endpoint_links == 576 * sus


def test_gb200_superpod_preset_has_the_published_fabric():
    r = planner.evaluate(planner.load(PRESETS / "gb200-nvl72-superpod.yaml"))
    assert r.network.switches_per_level == (128, 96, 36) and r.network.switches == 260  # table 4.1, 4 SUs
    assert r.network.switch_links == 4608 and r.network.transceivers == 13_824


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
