"""Channel configuration: configtx.yaml generated from the consortium, genesis blocks by configtxgen.

Each channel gets a genesis block with its organisations (anchor peers included, so gossip works
from the first block), its orderers as Raft consenters and Fabric 3 capabilities.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from grootboek.network.config.consortium import Channel, OrdererOrganization, Organization
from grootboek.network.config.layout import Layout
from grootboek.network.config.node_config import write_yaml
from grootboek.network.nodes.binaries import Binaries

# An orderer keeps a channel's Raft entries (its newest blocks) in memory until they add up to this,
# then snapshots (in Fabric, a note of the last block: cheap) and drops them. Fabric's sample
# configuration has 16 MB: three orderers held 16 MB each of kindpakket's blocks, most of what they
# grew under a payments load (bench/footprint.py). A follower that falls further behind fetches
# blocks instead of replaying entries, which it would do anyway after a restart.
RAFT_SNAPSHOT_INTERVAL = "4 MB"


def _sig(*terms: str) -> dict:
    return {"Type": "Signature", "Rule": f"OR({', '.join(repr(t) for t in terms)})"}


def _implicit(rule: str) -> dict:
    return {"Type": "ImplicitMeta", "Rule": rule}


def application_org(layout: Layout, org: Organization) -> dict:
    msp = org.msp_id
    anchor = layout.peers(org)[0]
    return {
        "Name": org.name,
        "ID": msp,
        "MSPDir": str(layout.crypto(org.name).root / "msp"),
        "Policies": {
            "Readers": _sig(f"{msp}.admin", f"{msp}.peer", f"{msp}.client"),
            "Writers": _sig(f"{msp}.admin", f"{msp}.client"),
            "Admins": _sig(f"{msp}.admin"),
            "Endorsement": _sig(f"{msp}.peer"),
        },
        "AnchorPeers": [{"Host": layout.host_of(anchor.spec.port), "Port": anchor.spec.port}],
    }


def orderer_org(layout: Layout, channel: Channel, org: Organization | OrdererOrganization) -> dict:
    """An ordering organisation as the channel's Orderer group has it (an application
    organisation that orders is in both groups, with each group's policies)."""
    msp = org.msp_id
    return {
        "Name": org.name,
        "ID": msp,
        "MSPDir": str(layout.crypto(org.name).root / "msp"),
        "Policies": {
            "Readers": _sig(f"{msp}.member"),
            "Writers": _sig(f"{msp}.member"),
            "Admins": _sig(f"{msp}.admin"),
        },
        "OrdererEndpoints": [layout.address(o.port) for o in layout.consortium.channel_orderers(channel)
                             if o in org.orderers],
    }


def configtx(layout: Layout, channel: Channel) -> dict:
    consortium = layout.consortium
    consenters = []
    for o in consortium.channel_orderers(channel):
        tls = layout.orderer_crypto(o.name).node_dir(layout.orderer_host(o.name)) / "tls"
        consenters.append({
            "Host": layout.host_of(o.port),
            "Port": o.port,
            "ClientTLSCert": str(tls / "server.crt"),
            "ServerTLSCert": str(tls / "server.crt"),
        })
    batch = consortium.ordering_batch
    ordering = [org for org in consortium.ordering_organizations
                if any(o in org.orderers for o in consortium.channel_orderers(channel))]
    return {
        "Profiles": {
            channel.name: {
                "Policies": {
                    "Readers": _implicit("ANY Readers"),
                    "Writers": _implicit("ANY Writers"),
                    "Admins": _implicit("MAJORITY Admins"),
                },
                "Capabilities": {"V3_0": True},
                "Orderer": {
                    "OrdererType": "etcdraft",
                    "BatchTimeout": batch.timeout,
                    "BatchSize": {
                        "MaxMessageCount": batch.max_message_count,
                        "AbsoluteMaxBytes": batch.absolute_max_bytes,
                        "PreferredMaxBytes": batch.preferred_max_bytes,
                    },
                    "EtcdRaft": {
                        "Consenters": consenters,
                        # 200 ms ticks: a restarted cluster elects a leader in 2-4 s, not 5-10 s.
                        "Options": {"TickInterval": "200ms", "ElectionTick": 10, "HeartbeatTick": 1,
                                    "MaxInflightBlocks": 5, "SnapshotIntervalSize": RAFT_SNAPSHOT_INTERVAL},
                    },
                    "Organizations": [orderer_org(layout, channel, org) for org in ordering],
                    "Policies": {
                        "Readers": _implicit("ANY Readers"),
                        "Writers": _implicit("ANY Writers"),
                        "Admins": _implicit("MAJORITY Admins"),
                        "BlockValidation": _implicit("ANY Writers"),
                    },
                    "Capabilities": {"V2_0": True},
                },
                "Application": {
                    "Organizations": [application_org(layout, consortium.organization(n))
                                      for n in channel.organizations],
                    "Policies": {
                        "Readers": _implicit("ANY Readers"),
                        "Writers": _implicit("ANY Writers"),
                        "Admins": _implicit("MAJORITY Admins"),
                        "LifecycleEndorsement": _implicit("MAJORITY Endorsement"),
                        "Endorsement": _implicit("MAJORITY Endorsement"),
                    },
                    "Capabilities": {"V2_5": True},
                },
            }
        }
    }


def write_genesis_block(layout: Layout, channel: Channel, binaries: Binaries) -> Path:
    config_dir = layout.root / "channels" / channel.name
    write_yaml(config_dir / "configtx.yaml", configtx(layout, channel))
    block = layout.channel_block(channel.name)
    result = subprocess.run(
        [binaries["configtxgen"], "-configPath", str(config_dir), "-profile", channel.name,
         "-channelID", channel.name, "-outputBlock", str(block)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"configtxgen failed for channel {channel.name}: {result.stderr.strip()[-2000:]}")
    return block
