"""An organisation's public definition: what one member of a consortium sends the others so they can
put it in a channel, dial its nodes and check its signatures, and nothing it must keep (no key).

It holds the organisation's CA and TLS CA certificates, its admins' certificates, each node's TLS
certificate (Raft consenters are named by theirs) and the endpoints of its nodes and anchor peers,
signed by one of its admins. A member imports a definition only after checking it: the file must
be well formed, name an organisation of the consortium file with the same MSP id, domain and hosts,
and be signed by an admin of that organisation's own CA; then the operator compares the CA
fingerprint with the sender over another channel (a phone call) and accepts it with that
fingerprint. Accepted, its public parts are written where our generators look for any
organisation's crypto (crypto/<Org>/, see crypto.OrgCrypto), so genesis blocks, connection
profiles and node configs are made from it exactly as from an organisation's own material.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from grootboek.network.config.crypto import NODE_OUS, OrgCrypto, fingerprint
from grootboek.network.config.layout import Layout

FORMAT = "grootboek-organization/1"


class DefinitionError(ValueError):
    """A definition file is malformed, does not match the consortium, or is not signed by its
    organisation; the message says which and how."""


@dataclass(frozen=True)
class Definition:
    """A parsed definition (`document` is the signed content, `signature` over its canonical form)."""

    document: dict
    signer: x509.Certificate
    signature: bytes

    @property
    def name(self) -> str:
        return self.document["organization"]["name"]

    def summary(self) -> str:
        """What an operator checks before accepting: who, which certificates (fingerprints), where."""
        doc = self.document
        org = doc["organization"]
        lines = [f"organisation {org['name']} (MSP {org['msp_id']}, domain {org['domain']})",
                 f"  CA          {fingerprint(_cert(doc['ca']))}",
                 f"  TLS CA      {fingerprint(_cert(doc['tls_ca']))}"]
        lines += [f"  admin       {fingerprint(_cert(pem))}  {_common_name(_cert(pem))}" for pem in doc["admins"]]
        for host, node in sorted(doc["nodes"].items()):
            lines.append(f"  {node['kind']:<11} {host} at {', '.join(node['endpoints'])}")
            lines.append(f"              TLS {fingerprint(_cert(node['tls']))}")
        if doc["anchor_peers"]:
            lines.append(f"  anchor peers {', '.join(doc['anchor_peers'])}")
        lines.append(f"  signed by   {_common_name(self.signer)} ({fingerprint(self.signer)})")
        return "\n".join(lines)

    @property
    def ca_fingerprint(self) -> str:
        return fingerprint(_cert(self.document["ca"]))


def _cert(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def _pem(cert_file: Path) -> str:
    return cert_file.read_text()


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else "(no common name)"


def _ou(cert: x509.Certificate) -> list[str]:
    return [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def missing(layout: Layout, names: list[str]) -> list[str]:
    """Which of the organisations `names` this state has neither created nor imported."""
    return [name for name in names if not (layout.crypto(name).root / "msp" / "cacerts" / "ca.pem").exists()]


def _nodes(layout: Layout, name: str) -> dict[str, dict]:
    """Per TLS host name of the organisation's orderers and peers: kind, endpoints, TLS cert file."""
    consortium = layout.consortium
    crypto = layout.crypto(name)
    nodes: dict[str, dict] = {}
    member = consortium.member(name)
    for o in member.orderers:
        host = layout.orderer_host(o.name)
        nodes[host] = {"kind": "orderer", "endpoints": [layout.address(o.port), layout.address(o.admin_port)],
                       "tls": crypto.node_dir(host) / "tls" / "server.crt"}
    if member is not consortium.orderer_organization:
        for peer in layout.peers(consortium.organization(name)):
            nodes[peer.host] = {"kind": "peer", "endpoints": [peer.address],
                                "tls": crypto.node_dir(peer.host) / "tls" / "server.crt"}
    return nodes


def _anchor_peers(layout: Layout, name: str) -> list[str]:
    if layout.consortium.member(name) is layout.consortium.orderer_organization:
        return []
    return [layout.peers(layout.consortium.organization(name))[0].address]  # as channel_config.application_org


def export(layout: Layout, name: str) -> dict:
    """The signed definition of organisation `name` from its own crypto (which holds its keys)."""
    org = layout.consortium.member(name)
    crypto = layout.crypto(name)
    admin = crypto.user_dir("admin") / "msp"
    document = {
        "format": FORMAT,
        "organization": {"name": org.name, "msp_id": org.msp_id, "domain": org.domain},
        "ca": _pem(crypto.root / "ca" / "cert.pem"),
        "tls_ca": _pem(crypto.root / "tlsca" / "cert.pem"),
        "admins": [_pem(admin / "signcerts" / "cert.pem")],
        "nodes": {host: {"kind": node["kind"], "endpoints": node["endpoints"], "tls": _pem(node["tls"])}
                  for host, node in _nodes(layout, name).items()},
        "anchor_peers": _anchor_peers(layout, name),
    }
    key = serialization.load_pem_private_key((admin / "keystore" / "priv_sk").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    signature = key.sign(_canonical(document), ec.ECDSA(hashes.SHA256()))
    return {**document, "signature": {"signer": document["admins"][0],
                                      "value": base64.b64encode(signature).decode()}}


def parse(data: object, source: str) -> Definition:
    """The definition in `data` if it is well formed (not yet checked against a consortium)."""
    where = f"{source}: not an organisation definition"
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DefinitionError(f"{where} (expected \"format\": \"{FORMAT}\")")
    document = {k: v for k, v in data.items() if k != "signature"}
    try:
        org = document["organization"]
        for key in ("name", "msp_id", "domain"):
            if not isinstance(org[key], str):
                raise TypeError(f"organization.{key} must be text")
        for key in ("ca", "tls_ca"):
            _cert(document[key])
        if not document["admins"]:
            raise ValueError("no admins")
        for pem in document["admins"]:
            _cert(pem)
        for host, node in document["nodes"].items():
            if node["kind"] not in ("peer", "orderer"):
                raise ValueError(f"nodes.{host}.kind must be peer or orderer")
            _cert(node["tls"])
            if not all(isinstance(e, str) for e in node["endpoints"]):
                raise TypeError(f"nodes.{host}.endpoints must be host:port texts")
        if not all(isinstance(a, str) for a in document["anchor_peers"]):
            raise TypeError("anchor_peers must be host:port texts")
        signer = _cert(data["signature"]["signer"])
        signature = base64.b64decode(data["signature"]["value"], validate=True)
    except KeyError as exc:
        raise DefinitionError(f"{where}: missing {exc.args[0]!r}") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise DefinitionError(f"{where}: {exc}") from None
    return Definition(document, signer, signature)


def load(path: Path) -> Definition:
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise DefinitionError(f"cannot read definition {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise DefinitionError(f"{path}: not an organisation definition (not JSON: {exc})") from None
    return parse(data, str(path))


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def check(definition: Definition, layout: Layout, own: str, source: str) -> None:
    """Refuses a definition that does not belong in this member's consortium: another
    organisation's name or MSP id, hosts the consortium file does not give its nodes, certificates
    its CAs did not issue, or a signature not by one of its admins."""
    doc = definition.document
    name = definition.name
    consortium = layout.consortium
    if name == own:
        raise DefinitionError(f"{source}: this is {own}'s own definition; import the other members' definitions")
    try:
        org = consortium.member(name)
    except KeyError as exc:
        raise DefinitionError(f"{source}: {exc.args[0]}") from None
    given = doc["organization"]
    if (given["msp_id"], given["domain"]) != (org.msp_id, org.domain):
        raise DefinitionError(f"{source}: {name} has MSP {given['msp_id']} and domain {given['domain']} here, "
                              f"but MSP {org.msp_id} and domain {org.domain} in the consortium file")
    ca, tls_ca = _cert(doc["ca"]), _cert(doc["tls_ca"])
    if not _issued_by(ca, ca) or not _issued_by(tls_ca, tls_ca):
        raise DefinitionError(f"{source}: {name}'s CA and TLS CA certificates must be self-signed roots")
    admin_pems = doc["admins"]
    if fingerprint(definition.signer) not in {fingerprint(_cert(pem)) for pem in admin_pems} \
            or not _issued_by(definition.signer, ca) or "admin" not in _ou(definition.signer):
        raise DefinitionError(f"{source}: not signed by {name}: the signer ({_common_name(definition.signer)}) "
                              f"is not an admin of {name}'s CA")
    try:
        definition.signer.public_key().verify(definition.signature, _canonical(doc), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, TypeError):
        raise DefinitionError(f"{source}: the signature does not match the content (changed after "
                              f"{name} signed it?)") from None
    for pem in admin_pems:
        if not _issued_by(_cert(pem), ca):
            raise DefinitionError(f"{source}: admin certificate {_common_name(_cert(pem))} is not issued by {name}'s CA")
    expected = {host: node["endpoints"] for host, node in _nodes(layout, name).items()}
    for host, node in doc["nodes"].items():
        if host not in expected:
            raise DefinitionError(f"{source}: node {host} is not a node of {name} in the consortium file "
                                  f"(known: {', '.join(sorted(expected))})")
        if node["endpoints"] != expected[host]:
            raise DefinitionError(f"{source}: {host} is at {', '.join(node['endpoints'])} here, but at "
                                  f"{', '.join(expected[host])} in the consortium file (unknown host?)")
        if not _issued_by(_cert(node["tls"]), tls_ca):
            raise DefinitionError(f"{source}: the TLS certificate of {host} is not issued by {name}'s TLS CA")
    missing = sorted(set(expected) - set(doc["nodes"]))
    if missing:
        raise DefinitionError(f"{source}: no node {', '.join(missing)} (the consortium file gives {name} these)")
    if doc["anchor_peers"] != _anchor_peers(layout, name):
        raise DefinitionError(f"{source}: anchor peers {', '.join(doc['anchor_peers'])} differ from the "
                              f"consortium file's {', '.join(_anchor_peers(layout, name))}")


def accept(definition: Definition, layout: Layout, own: str, source: str, fingerprint_given: str | None) -> Path:
    """Checks the definition and, if `fingerprint_given` is its CA's, writes its public parts into
    this member's state (crypto/<Org>/ and definitions/<Org>.json); returns the crypto directory."""
    check(definition, layout, own, source)
    if fingerprint_given is None or _normal(fingerprint_given) != _normal(definition.ca_fingerprint):
        why = "not accepted" if fingerprint_given is None else "the fingerprint given is not this CA's"
        raise DefinitionError(
            f"{source}: {why}. Compare the CA fingerprint with {definition.name} over another channel than "
            f"the one the file came by, then accept it with --accept {definition.ca_fingerprint}")
    crypto = layout.crypto(definition.name)
    _write_public(definition, crypto)
    stored = layout.root / "definitions" / f"{definition.name}.json"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_text(json.dumps({**definition.document, "signature": {
        "signer": definition.signer.public_bytes(serialization.Encoding.PEM).decode(),
        "value": base64.b64encode(definition.signature).decode()}}, indent=1))
    return crypto.root


def _normal(text: str) -> str:
    return text.replace(":", "").strip().upper()


def _write_public(definition: Definition, crypto: OrgCrypto) -> None:
    """The directory layout of OrgCrypto, without a single private key."""
    doc = definition.document
    if crypto.exists:
        raise DefinitionError(f"{crypto.root} holds {definition.name}'s private keys: this state directory "
                              f"belongs to {definition.name}, not to a member importing its definition")
    files = {
        "ca/cert.pem": doc["ca"],
        "tlsca/cert.pem": doc["tls_ca"],
        "msp/cacerts/ca.pem": doc["ca"],
        "msp/tlscacerts/tlsca.pem": doc["tls_ca"],
        "msp/config.yaml": NODE_OUS,
    }
    for i, pem in enumerate(doc["admins"]):
        files[f"users/admin{i or ''}/msp/signcerts/cert.pem"] = pem
    for host, node in doc["nodes"].items():
        files[f"nodes/{host}/tls/server.crt"] = node["tls"]
        files[f"nodes/{host}/tls/ca.crt"] = doc["tls_ca"]
    for relative, text in files.items():
        path = crypto.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
