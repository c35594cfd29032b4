"""An application organisation's channel definition (its MSP, policies and anchor peers) as the
config group that an update adds to a channel. configtxgen builds it (`-printOrg`) from the same
description our genesis blocks use (channel_config.application_org), so an organisation added
later is defined exactly like one that was there from the start."""
from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from fabric_protos.common import configtx_pb2

from grootboek.network.config import configtxlator
from grootboek.network.config.channel_config import application_org
from grootboek.network.config.consortium import Organization
from grootboek.network.config.layout import Layout
from grootboek.network.config.node_config import write_yaml
from grootboek.network.nodes.binaries import Binaries


def application_org_group(layout: Layout, org: Organization, binaries: Binaries) -> configtx_pb2.ConfigGroup:
    with tempfile.TemporaryDirectory(prefix="grootboek-org-") as tmp:
        write_yaml(Path(tmp) / "configtx.yaml", {"Organizations": [application_org(layout, org)]})
        result = subprocess.run([binaries["configtxgen"], "-configPath", tmp, "-printOrg", org.name],
                                capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"configtxgen -printOrg {org.name} failed: {result.stderr.strip()[-2000:]}")
    # configtxlator decodes a group's values by where the group sits in a config, so the
    # organisation is encoded inside a skeleton config, at its place among the application's.
    skeleton = {"channel_group": {"groups": {"Application": {"groups": {org.name: json.loads(result.stdout)}}}}}
    config = configtxlator.encode(binaries, skeleton, configtx_pb2.Config)
    return config.channel_group.groups["Application"].groups[org.name]
