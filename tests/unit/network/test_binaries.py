"""Building Fabric with our patches: a patch applies exactly once or the build stops, and a patched
build never shares a cache directory with a stock one."""
from __future__ import annotations

import dataclasses

import pytest

from grootboek.network.nodes import binaries
from grootboek.network.nodes.binaries import BinariesError, Patch


def _fabric() -> binaries.Component:
    return next(pin for pin in binaries.load_pins() if pin.name == "fabric")


def test_a_patch_replaces_its_text_once():
    patch = Patch(file="a.go", find="size = 50", replace="size = 4", why="smaller")
    assert patch.apply("const (\n\tsize = 50\n)\n") == "const (\n\tsize = 4\n)\n"


@pytest.mark.parametrize("source", ["const size = 60\n", "size = 50\nsize = 50\n"])
def test_a_patch_that_does_not_match_exactly_once_stops_the_build(source):
    patch = Patch(file="a.go", find="size = 50", replace="size = 4", why="smaller")
    with pytest.raises(BinariesError, match="expects 'size = 50' once and found it"):
        patch.apply(source)


def test_patched_and_stock_builds_live_apart_and_each_patch_set_has_its_own_directory():
    fabric = _fabric()
    assert fabric.patches, "network/fabric/pins.yaml patches Fabric's block cache"
    stock = dataclasses.replace(fabric, patches=())
    assert stock.build_name == f"fabric-{fabric.version}"
    assert fabric.build_name.startswith(f"fabric-{fabric.version}-patched-")
    other = dataclasses.replace(fabric, patches=(dataclasses.replace(fabric.patches[0], replace="x"),))
    assert other.build_name not in (fabric.build_name, stock.build_name)
    assert "patches" not in binaries._stamp(stock)  # stock builds made before patches existed stay valid


def test_each_patch_matches_the_pinned_module_source_exactly_once():
    """The pinned source is in the Go module cache once the binaries were built (`make up`)."""
    fabric = _fabric()
    source = binaries.module_source(fabric)
    for patch in fabric.patches:
        patch.apply((source / patch.file).read_text())
