"""Connection profiles (Fabric's common connection profile format), one per organisation, so an
application connects to its organisation's peers — and enrols at its CA — with one call.
"""
from __future__ import annotations

import json

from grootboek.network.config.layout import Layout


def connection_profile(layout: Layout, org_name: str) -> dict:
    org = layout.consortium.organization(org_name)
    crypto = layout.crypto(org.name)
    tls_ca = (crypto.root / "tlsca" / "cert.pem").read_text()
    peers = layout.peers(org)
    ca_name = f"ca.{org.domain}"
    return {
        "name": f"{layout.consortium.name}-{org.name.lower()}",
        "version": "1.0.0",
        "client": {"organization": org.name,
                   "connection": {"timeout": {"peer": {"endorser": "30"}}}},
        "organizations": {
            org.name: {"mspid": org.msp_id, "peers": [p.host for p in peers],
                       "certificateAuthorities": [ca_name]},
        },
        "peers": {
            p.host: {"url": f"grpcs://{p.address}", "tlsCACerts": {"pem": tls_ca},
                     "grpcOptions": {"ssl-target-name-override": p.host, "hostnameOverride": p.host}}
            for p in peers
        },
        "certificateAuthorities": {
            ca_name: {"url": f"https://{layout.address(org.ca.port)}", "caName": "ca",
                      "tlsCACerts": {"pem": [tls_ca]}},
        },
        "channels": {
            ch.name: {"peers": {p.host: {} for p in peers}} for ch in layout.consortium.channels_of(org)
        },
    }


def write_all(layout: Layout, names: list[str]) -> None:
    """The profiles of organisations `names` (those whose nodes run from this state)."""
    for name in names:
        org = layout.consortium.organization(name)
        path = layout.profile(org.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(connection_profile(layout, org.name), indent=1))
