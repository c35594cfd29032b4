"""A Fabric CA server per organisation, signing with the organisation's own CA key, so identities
it enrols are members of the organisation's MSP like the ones our tooling generated.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from grootboek.network.config.consortium import Organization
from grootboek.network.config.layout import Layout
from grootboek.network.config.node_config import write_yaml

REGISTRAR = "admin"  # the CA's bootstrap registrar identity


def home(layout: Layout, org: Organization) -> Path:
    return layout.node_dir(layout.ca_id(org))


def registrar_secret_file(layout: Layout, org: Organization) -> Path:
    return layout.crypto(org.name).root / "ca-registrar.secret"


def registrar_secret(layout: Layout, org: Organization) -> str:
    """The bootstrap registrar's password, generated once and kept (0600) with the org's crypto."""
    path = registrar_secret_file(layout, org)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text()


def server_config(layout: Layout, org: Organization) -> dict:
    crypto = layout.crypto(org.name)
    tls = crypto.node_dir(layout.ca_host(org)) / "tls"
    return {
        "port": org.ca.port,
        "address": layout.listen_host(org.ca.port),
        "debug": False,
        "crlsizelimit": 512000,
        "tls": {"enabled": True, "certfile": str(tls / "server.crt"), "keyfile": str(tls / "server.key"),
                "clientauth": {"type": "noclientcert", "certfiles": []}},
        "ca": {"name": "ca", "certfile": str(crypto.root / "ca" / "cert.pem"),
               "keyfile": str(crypto.root / "ca" / "key.pem"),
               "chainfile": str(crypto.root / "ca" / "cert.pem")},
        "crl": {"expiry": "24h"},
        "registry": {
            "maxenrollments": -1,
            "identities": [{
                "name": REGISTRAR,
                "pass": registrar_secret(layout, org),
                "type": "client",
                "affiliation": "",
                "attrs": {"hf.Registrar.Roles": "*", "hf.Registrar.DelegateRoles": "*",
                          "hf.Revoker": True, "hf.IntermediateCA": True, "hf.GenCRL": True,
                          "hf.Registrar.Attributes": "*", "hf.AffiliationMgr": True},
            }],
        },
        "db": {"type": "sqlite3", "datasource": "fabric-ca-server.db"},
        "affiliations": {org.name.lower(): []},
        "signing": {"default": {"usage": ["digital signature"], "expiry": "8760h"}},
        "csr": {"cn": layout.ca_host(org), "names": [{"C": "NL", "O": org.domain}]},
        "cfg": {"identities": {"allowremove": True, "passwordattempts": 10},
                "affiliations": {"allowremove": True}},
        "operations": {
            "listenAddress": layout.listen_address(org.ca.operations_port),
            "tls": {"enabled": True, "cert": {"file": str(tls / "server.crt")},
                    "key": {"file": str(tls / "server.key")}, "clientAuthRequired": False,
                    "clientRootCAs": {"files": [str(tls / "ca.crt")]}},
        },
        "metrics": {"provider": "prometheus"},
    }


def prepare(layout: Layout, org: Organization) -> None:
    crypto = layout.crypto(org.name)
    if not (crypto.node_dir(layout.ca_host(org)) / "tls" / "server.key").exists():
        crypto.add_server_tls(crypto.node_dir(layout.ca_host(org)), layout.ca_host(org), layout.tls_hosts(org.ca.port))
    write_yaml(home(layout, org) / "fabric-ca-server-config.yaml", server_config(layout, org))
