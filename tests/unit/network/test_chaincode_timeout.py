"""An organisation's chaincode execute timeout: its peers time out after it and its chaincode
servers end a transaction before that, so a peer never times out mid range query
(hyperledger/fabric#5048; the real peers in tests/integration/shim/test_slow_chaincode.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from grootboek.network.admin import lifecycle
from grootboek.network.config import consortium as consortium_file
from grootboek.network.config.consortium import ConsortiumError
from grootboek.network.config.layout import Layout
from grootboek.network.config.node_config import core_yaml


def timeouts(tmp_path: Path, data: dict) -> dict[str, tuple[str, str]]:
    """Organisation → (its peers' executetimeout, its chaincode servers' CHAINCODE_TX_DEADLINE)."""
    layout = Layout(consortium_file.parse(data), tmp_path)
    specs = {spec.name: spec for spec in lifecycle.server_specs(layout, lifecycle.packages(layout.consortium), 0,
                                                                      [o.name for o in layout.consortium.organizations])}
    found = {}
    for org in layout.consortium.organizations:
        peer = layout.peers(org)[0]
        deadlines = {specs[layout.chaincode_server_id(cc.name, org.name)].env["CHAINCODE_TX_DEADLINE"]
                     for channel in layout.consortium.channels for cc in channel.chaincodes
                     if org.name in cc.servers}
        assert len(deadlines) == 1, deadlines
        found[org.name] = (core_yaml(layout, peer, tmp_path)["chaincode"]["executetimeout"], deadlines.pop())
    return found


def test_the_servers_deadline_is_five_sixths_of_the_peers_timeout(tmp_path: Path):
    data = yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())
    data["organizations"][1]["chaincode_timeout_seconds"] = 12
    found = timeouts(tmp_path, data)
    assert found[data["organizations"][1]["name"]] == ("12s", "10")
    assert found[data["organizations"][0]["name"]] == ("30s", "25")


def test_a_timeout_too_short_to_leave_a_margin_is_refused_naming_its_field():
    data = yaml.safe_load(consortium_file.DEFAULT_FILE.read_text())
    data["organizations"][0]["chaincode_timeout_seconds"] = 2
    with pytest.raises(ConsortiumError) as caught:
        consortium_file.parse(data)
    assert "organizations[0].chaincode_timeout_seconds" in str(caught.value)
