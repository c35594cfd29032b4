"""The REST gateways (grootboek.api), one per organisation with an `api:` port in the consortium:
their configuration, TLS pair and data directory, and how the supervisor runs them.
"""
from __future__ import annotations

from pathlib import Path

from grootboek.network.config import ca
from grootboek.network.config.consortium import Organization
from grootboek.network.config.layout import Layout
from grootboek.network.config.node_config import write_yaml
from grootboek.network.nodes.supervisor import ProcessSpec, python


def api_dir(layout: Layout, org: Organization) -> Path:
    return layout.root / "api" / org.name


def api_tls_dir(layout: Layout, org: Organization) -> Path:
    return layout.crypto(org.name).node_dir(layout.api_host(org)) / "tls"


def config_file(layout: Layout, org: Organization) -> Path:
    return api_dir(layout, org) / "config.yaml"


def api_config(layout: Layout, org: Organization) -> dict:
    """The gateway's configuration (grootboek.api's schema) with the layout's paths."""
    assert org.api is not None
    tls = api_tls_dir(layout, org)
    chaincodes: dict[str, dict[str, str]] = {}
    for channel in layout.consortium.channels_of(org):
        for cc in channel.chaincodes:
            key = cc.name if cc.name not in chaincodes else f"{cc.name}-{channel.name}"
            chaincodes[key] = {"channel": channel.name, "chaincode": cc.name}
    return {
        "organization": org.name,
        "msp_id": org.msp_id,
        "msp_ca": str(layout.crypto(org.name).root / "ca" / "cert.pem"),
        "listen": layout.listen_address(org.api.port),
        "tls": {"cert": str(tls / "server.crt"), "key": str(tls / "server.key"), "client_ca": str(tls / "ca.crt")},
        "connection_profile": str(layout.profile(org.name)),
        "data_dir": str(api_dir(layout, org) / "data"),
        "chaincodes": chaincodes,
        "apps": list(org.api.apps),
        "ca": {"url": f"https://{layout.address(org.ca.port)}", "ca_name": "ca", "tls_ca": str(tls / "ca.crt"),
               "registrar": ca.REGISTRAR, "registrar_secret_file": str(ca.registrar_secret_file(layout, org))},
    }


def prepare(layout: Layout, org: Organization, config: dict | None = None) -> None:
    """The gateway's TLS pair (from the organisation's TLS CA), data directory and config file."""
    tls = api_tls_dir(layout, org)
    if not (tls / "server.key").exists():
        layout.crypto(org.name).add_server_tls(tls.parent, layout.api_host(org), layout.tls_hosts(org.api.port))
    (api_dir(layout, org) / "data").mkdir(parents=True, exist_ok=True)
    write_yaml(config_file(layout, org), config or api_config(layout, org))


def process_spec(layout: Layout, org: Organization, stop_order: int) -> ProcessSpec:
    return ProcessSpec(
        name=layout.api_id(org),
        argv=[python(), "-m", "grootboek.api", "serve", "--config", str(config_file(layout, org))],
        stop_order=stop_order,
        warm=["grootboek.api.server", "grootboek.api.app"],  # what `serve` imports when it runs
    )
