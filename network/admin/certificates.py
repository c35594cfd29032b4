"""Every certificate a member holds in its state directory, with its expiry, and renewal before
it runs out.

Certificates live a limited time: identities enrolled at a Fabric CA (tills, users made with
`grootboek identity create`, gateway users) one year by the CA's default, what our tooling issued
ten. `inventory` lists them all under the owner `grootboek cert renew` takes:

    Municipality                    its CA and TLS CA (roots: renewing one is a new MSP, not done here)
    peer0.municipality, orderer1,   a node: its enrolment (msp/) and TLS certificates
    ca.municipality, api.municipality, cc-budgets.municipality
    Municipality/officer            a user: enrolment certificate (and TLS client pair, if any)
    Municipality/ca-registrar       the CA's bootstrap registrar, as our tooling enrolled it
    api.municipality/shop7          a user of the REST gateway, in its wallet (`grootboek api user renew`)

`Renewal` renews an owner's certificates where they were issued: identities enrolled at the Fabric
CA re-enrol there with their current certificate (the CA keeps their attributes); what our tooling
issued is issued again by the organisation's own CA, same subject, host names and attributes, new
key. A node is then restarted alone (the others keep serving) and awaited. An orderer's TLS
certificate is also its Raft identity, listed in every channel's consenters: each channel's config
is updated with the new certificate before the orderer restarts with it; meanwhile the other
orderers of a three-node cluster keep ordering.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from grootboek.client.atomic_file import write_atomically
from grootboek.client.identity import FileWallet
from grootboek.network.admin.ca_client import Credentials, FabricCAClient
from grootboek.network.admin.channel_admin import ChannelAdmin
from grootboek.network.admin.participation import ParticipationError
from grootboek.network.config import config_edits
from grootboek.network.config.crypto import ATTRIBUTES_OID, Authority
from grootboek.network.config.layout import Layout
from grootboek.network.nodes import gateways, supervisor
from grootboek.network.nodes.network import Network
from grootboek.network.nodes.readiness import port_open, wait_for

ROOT_KINDS = ("ca", "tls-ca")
REGISTRAR = "ca-registrar"
RESTART_TIMEOUT = 120.0


class CertificateError(RuntimeError):
    """An operator-facing failure: says what is wrong and what to do next."""


@dataclass(frozen=True)
class HeldCertificate:
    owner: str          # what `grootboek cert renew` takes (see the module docstring)
    kind: str           # ca, tls-ca, enrolment, tls
    org: str
    path: Path
    key_path: Path | None
    certificate: x509.Certificate

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc

    def days_left(self, now: dt.datetime | None = None) -> int:
        return (self.not_after - (now or dt.datetime.now(dt.timezone.utc))).days

    @property
    def attributes(self) -> dict[str, str]:
        """Fabric CA's attribute extension (our tooling writes the same one for its users)."""
        try:
            value = self.certificate.extensions.get_extension_for_oid(ATTRIBUTES_OID).value
        except x509.ExtensionNotFound:
            return {}
        return json.loads(value.value).get("attrs", {})  # type: ignore[attr-defined]

    @property
    def enrolled_at_ca(self) -> bool:
        # Fabric CA puts hf.EnrollmentID into every certificate it enrols with attributes (our
        # tooling never does); its bootstrap registrar has none.
        return "hf.EnrollmentID" in self.attributes or self.owner.endswith(f"/{REGISTRAR}")

    @property
    def is_gateway_user(self) -> bool:
        return self.key_path is None and self.kind == "enrolment"

    def summary(self) -> dict:
        return {"owner": self.owner, "kind": self.kind, "org": self.org, "subject": self.subject,
                "not_after": self.not_after.isoformat(), "days_left": self.days_left(),
                "issuer": "fabric-ca" if self.enrolled_at_ca else "grootboek", "path": str(self.path)}


def node_ids(layout: Layout) -> dict[str, str]:
    """The process name of each host that has a crypto directory under nodes/."""
    consortium = layout.consortium
    ids = {layout.orderer_host(o.name): o.name for o in consortium.orderers}
    ids.update({peer.host: peer.id for peer in layout.peers()})
    for org in consortium.organizations:
        ids[layout.ca_host(org)] = layout.ca_id(org)
        ids[layout.api_host(org)] = layout.api_id(org)
    for channel in consortium.channels:
        for cc in channel.chaincodes:
            for org_name in cc.servers:
                ids[layout.chaincode_server_host(cc.name, org_name)] = layout.chaincode_server_id(cc.name, org_name)
    return ids


def _load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def inventory(layout: Layout) -> list[HeldCertificate]:
    """Every certificate of every organisation whose crypto this state directory holds."""
    consortium = layout.consortium
    ids = node_ids(layout)
    held: list[HeldCertificate] = []

    def add(owner: str, kind: str, org: str, path: Path, key_path: Path | None) -> None:
        if path.is_file():
            held.append(HeldCertificate(owner, kind, org, path, key_path, _load(path)))

    for org_name in consortium.member_names:
        root = layout.crypto(org_name).root
        add(org_name, "ca", org_name, root / "ca" / "cert.pem", root / "ca" / "key.pem")
        add(org_name, "tls-ca", org_name, root / "tlsca" / "cert.pem", root / "tlsca" / "key.pem")
        for directory in sorted((root / "nodes").glob("*")):
            owner = ids.get(directory.name, directory.name)
            add(owner, "enrolment", org_name, directory / "msp" / "signcerts" / "cert.pem",
                directory / "msp" / "keystore" / "priv_sk")
            add(owner, "tls", org_name, directory / "tls" / "server.crt", directory / "tls" / "server.key")
        for directory in sorted((root / "users").glob("*")):
            owner = f"{org_name}/{directory.name}"
            add(owner, "enrolment", org_name, directory / "msp" / "signcerts" / "cert.pem",
                directory / "msp" / "keystore" / "priv_sk")
            add(owner, "tls", org_name, directory / "tls" / "client.crt", directory / "tls" / "client.key")
        add(f"{org_name}/{REGISTRAR}", "enrolment", org_name, root / REGISTRAR / "cert.pem",
            root / REGISTRAR / "key.pem")
    for org in consortium.organizations:
        wallet_dir = gateways.api_dir(layout, org) / "data" / "wallet"
        if not wallet_dir.is_dir():
            continue
        wallet = FileWallet(wallet_dir)
        for label in wallet.labels():
            # The wallet keeps certificate and key in one file per label: key_path None marks that.
            held.append(HeldCertificate(f"{layout.api_id(org)}/{label}", "enrolment", org.name, wallet_dir, None,
                                        x509.load_pem_x509_certificate(wallet.get(label).certificate)))
    return held


def expiring(held: list[HeldCertificate], warn_days: int,
             now: dt.datetime | None = None) -> list[HeldCertificate]:
    return [c for c in held if c.days_left(now) < warn_days]


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Renewal:
    """Renews the certificates of one owner at a time on a network (running or not)."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.layout = network.layout

    def renew(self, owner: str) -> list[HeldCertificate]:
        """Renews every certificate of `owner` (the roots excepted); returns the new ones."""
        held = [c for c in inventory(self.layout) if c.owner == owner]
        if not held:
            raise CertificateError(f"no certificate belongs to {owner!r}; `grootboek cert list` names the owners")
        if all(c.kind in ROOT_KINDS for c in held):
            raise CertificateError(
                f"{owner}'s CA and TLS CA are the roots its MSP is defined by on every channel: a new root is an "
                "organisation update (`grootboek org ...`), not a renewal; they are valid until "
                f"{min(c.not_after for c in held):%Y-%m-%d}")
        if any(c.is_gateway_user for c in held):
            gateway, label = owner.split("/", 1)
            raise CertificateError(f"{owner} is a user of the REST gateway {gateway}: renew it there with "
                                   f"`grootboek api user renew --org {held[0].org} {label}`")
        orderer_tls = owner in {o.name for o in self.network.consortium.orderers} \
            and any(c.kind == "tls" for c in held)
        processes = self._processes()
        if orderer_tls and owner not in processes:
            raise CertificateError(f"{owner}'s TLS certificate is its Raft identity in its channels' configuration: "
                                   "renewing it updates those channels, which needs the network running "
                                   "(`grootboek up`)")
        issued = [(c, self._issue(c)) for c in held if c.kind not in ROOT_KINDS]
        if orderer_tls:
            # The channels learn the new certificate before the orderer presents it: if an update
            # fails, the orderer still holds (and restarts with) the certificate they know.
            self._update_consenters(owner, next(cert_pem for c, (cert_pem, _) in issued if c.kind == "tls"))
        renewed = [self._write(c, cert_pem, key_pem) for c, (cert_pem, key_pem) in issued]
        if processes.get(owner):
            self._restart(owner)
        return renewed

    def _issue(self, held: HeldCertificate) -> tuple[bytes, bytes]:
        """A new certificate and key (PEM) for `held`, from where it was issued."""
        assert held.key_path is not None
        if held.enrolled_at_ca:
            credentials = self._ca(held.org).reenroll(Credentials(held.path.read_bytes(), held.key_path.read_bytes()))
            return credentials.certificate, credentials.private_key
        crypto = self.layout.crypto(held.org)
        authority: Authority = crypto.tlsca if held.kind == "tls" else crypto.ca
        cert, key = authority.renew(held.certificate)
        return cert.public_bytes(serialization.Encoding.PEM), _key_pem(key)

    @staticmethod
    def _write(held: HeldCertificate, cert_pem: bytes, key_pem: bytes) -> HeldCertificate:
        assert held.key_path is not None
        # Key first: a reader that sees the new certificate then finds its key (nodes read both
        # only when they start, which happens after this).
        write_atomically(held.key_path, key_pem, 0o600)
        write_atomically(held.path, cert_pem, 0o644)
        return HeldCertificate(held.owner, held.kind, held.org, held.path, held.key_path,
                               x509.load_pem_x509_certificate(cert_pem))

    def _ca(self, org_name: str) -> FabricCAClient:
        org = self.network.consortium.organization(org_name)
        return FabricCAClient(f"https://{self.layout.address(org.ca.port)}",
                              self.layout.crypto(org_name).root / "tlsca" / "cert.pem")

    def _processes(self) -> dict[str, bool]:
        """Supervised process name -> running, for a network whose supervisor runs."""
        if not supervisor.is_running(self.layout.run_dir):
            return {}
        reply = supervisor.request(self.layout.run_dir, {"cmd": "status"})
        return {p["name"]: p["running"] for p in reply["processes"]}

    def _update_consenters(self, orderer: str, pem: bytes) -> None:
        consortium = self.network.consortium
        node = next(o for o in consortium.orderers if o.name == orderer)
        host, port = self.layout.address(node.port).rsplit(":", 1)
        admin = ChannelAdmin(self.network)
        for channel in consortium.channels:
            if node in consortium.channel_orderers(channel):
                admin.update(channel.name, partial(config_edits.replace_consenter_tls, host=host, port=int(port),
                                                   tls_cert=pem),
                             f"new TLS certificate of {orderer} among the consenters of channel {channel.name}")

    def _restart(self, name: str) -> None:
        """Restarts one node so it reads its new certificates, and waits until it serves again."""
        with self.network.progress.step(f"restarting {name} with its new certificates"):
            supervisor.request(self.layout.run_dir, {"cmd": "stop", "name": name})
            supervisor.request(self.layout.run_dir, {"cmd": "start", "name": name})
            wait_for(lambda: self._serving(name), f"{name} serving again after its restart",
                     timeout=RESTART_TIMEOUT)

    def _serving(self, name: str) -> bool:
        node = next((n for n in self.network.status() if n.name == name), None)
        if node is None or not node.running or node.healthy is False:
            return False
        port = node.ports.get("port")
        if port is not None and not port_open(self.layout.address(port)):
            return False
        if node.kind == "peer":
            return self._peer_rejoined(name)
        if node.kind == "orderer":
            return self._orderer_caught_up(name)
        return True

    def _peer_rejoined(self, name: str) -> bool:
        """A peer endorses for others only once gossip has told them it is back."""
        peer = self.layout.peer(name)
        consortium = self.network.consortium
        for channel in consortium.channels_of(peer.org):
            others = sum(len(consortium.organization(org).peers) for org in channel.organizations) - 1
            if self.network.gossip_members(peer, channel.name) < others:
                return False
        return True

    def _orderer_caught_up(self, name: str) -> bool:
        """An orderer counts towards its clusters' majorities again once it is an active consenter
        of each of its channels, as far along as the most advanced member (the config updates
        that made its new certificate known came in its absence)."""
        consortium = self.network.consortium
        for channel in consortium.channels:
            members = consortium.channel_orderers(channel)
            if name not in {o.name for o in members}:
                continue
            own, others = None, []
            for orderer in members:
                try:
                    info = self.network.participation(orderer).info(channel.name)
                except ParticipationError:
                    continue  # another orderer that is down says nothing about this one
                if info is not None and orderer.name == name:
                    own = info
                elif info is not None:
                    others.append(info.height)
            if own is None or own.status != "active" or own.consensus_relation != "consenter" \
                    or own.height < max(others, default=0):
                return False
        return True
