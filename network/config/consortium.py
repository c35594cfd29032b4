"""The consortium file: organisations, nodes, hosts, ports, channels and chaincodes, validated
before anything starts. Errors name the offending field (``organizations[1].peers[0].port``) or port.

Every node has a host it is reached at and one it listens on. Each is taken from the node itself,
else from its organisation, else from the top of the file (`host`, `listen`); a node listens on
the host it is reached at unless told otherwise (e.g. `listen: 0.0.0.0` behind a NAT address).
"""
from __future__ import annotations

import errno
import ipaddress
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Iterator

import yaml
from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator,
                      model_validator)

# The bundled consortium stays at network/consortium.yaml, where the README and Makefile name it.
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "consortium.yaml"

Port = Annotated[int, Field(ge=1, le=65535)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,62}$")]
# Fabric channel names: lower case, start with a letter, at most 249 characters.
ChannelName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9.-]{0,248}$")]
ChaincodeName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
_DURATION = re.compile(r"^\d+(ms|s|m)$")
_HOST_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
WILDCARDS = {"0.0.0.0"}  # a listen host meaning every interface: never in a certificate


def _host(value: str) -> str:
    """An IPv4 address or a DNS host name (RFC 1123)."""
    labels = value.split(".")
    if all(label.isdigit() for label in labels):
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a valid IPv4 address") from None
        return value
    if ":" in value:
        raise ValueError(f"{value!r}: IPv6 addresses are not supported; give an IPv4 address or a host name")
    if len(value) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise ValueError(f"{value!r} is not a host name (letters, digits and hyphens, in labels "
                         "separated by dots) or an IPv4 address")
    return value


Host = Annotated[str, AfterValidator(_host)]


class ConsortiumError(ValueError):
    """The consortium file is invalid; the message names the field or port."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Batch(_Model):
    timeout: str = "250ms"  # the longest wait; why: network/consortium.yaml
    max_message_count: int = Field(100, ge=1)
    absolute_max_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    preferred_max_bytes: int = Field(2 * 1024 * 1024, ge=1024)

    @field_validator("timeout")
    @classmethod
    def _duration(cls, value: str) -> str:
        if not _DURATION.match(value):
            raise ValueError("must be a duration such as 250ms, 2s or 1m")
        return value


class _Placed(_Model):
    """Something with a host: unset, it inherits from what encloses it (see the module docstring)."""

    host: Host | None = None    # where the others reach it
    listen: Host | None = None  # the address it binds


class OrdererNode(_Placed):
    name: Name
    port: Port
    admin_port: Port
    operations_port: Port


class PeerNode(_Placed):
    name: Name
    port: Port
    chaincode_port: Port
    operations_port: Port


class CertificateAuthority(_Placed):
    port: Port
    operations_port: Port


class Api(_Placed):
    port: Port
    apps: list[Name] = []
    """The web apps the organisation's gateway serves (grootboek.api checks the names)."""


class User(_Model):
    name: Name
    admin: bool = False
    # Fabric CA style certificate attributes (e.g. role), read by chaincode.
    attributes: dict[str, str] = {}


class OrdererOrganization(_Placed):
    name: Name
    msp_id: Name
    domain: str
    batch: Batch = Batch()
    orderers: list[OrdererNode] = Field(min_length=1)


class Organization(_Placed):
    name: Name
    msp_id: Name
    domain: str
    description: str = ""
    peers: list[PeerNode] = Field(min_length=1)
    ca: CertificateAuthority
    api: Api | None = None
    users: list[User] = []
    orderers: list[OrdererNode] = []
    """With ordering by the members (no orderer organisation): this organisation's Raft
    consenters, with orderer identities from its own CA."""
    chaincode_timeout_seconds: int = Field(30, ge=3, le=3600)
    """The peers' chaincode.executetimeout. The organisation's chaincode servers end a transaction
    at five sixths of it (`chaincode_deadline_seconds`), so the peers' timeout never fires while
    they serve a range query: Fabric 3.1.1 peers can crash there (hyperledger/fabric#5048)."""

    @property
    def chaincode_deadline_seconds(self) -> float:
        return self.chaincode_timeout_seconds * 5 / 6


class Collection(_Model):
    """A private data collection (Fabric's collection config)."""

    name: Name
    policy: str
    required_peer_count: int = Field(0, ge=0)
    max_peer_count: int = Field(1, ge=0)
    block_to_live: int = Field(0, ge=0)
    member_only_read: bool = True
    member_only_write: bool = True
    endorsement_policy: str | None = None


class ChaincodeServer(_Placed):
    """An organisation's server of one chaincode; its host defaults to the organisation's."""

    port: Port


class Chaincode(_Model):
    name: ChaincodeName
    version: str = "1.0"
    sequence: int = Field(1, ge=1)
    # Import path of the Python chaincode object our runtime serves, "module:attribute" ...
    contract: str | None = Field(None, pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
    # ... or the command of any other chaincode-as-a-service server (e.g. a Go chaincode), given
    # CHAINCODE_SERVER_ADDRESS, CHAINCODE_ID, CHAINCODE_TLS_CERT/_KEY, CHAINCODE_CLIENT_CA_CERT
    # and CHAINCODE_PEER_NAMES (the organisation's peers' host names, the clients to admit).
    command: list[str] | None = None
    endorsement_policy: str | None = None  # None: the channel's Endorsement policy (MAJORITY)
    init_required: bool = False
    collections: list[Collection] = []
    # Each organisation of the channel runs its own chaincode server; its peers dial this port
    # (`Org: 7060`), or this port on another host (`Org: {port: 7060, host: ..., listen: ...}`).
    servers: dict[str, ChaincodeServer]

    @field_validator("servers", mode="before")
    @classmethod
    def _port_only(cls, value: object) -> object:
        if isinstance(value, dict):
            return {org: {"port": v} if isinstance(v, int) else v for org, v in value.items()}
        return value

    @model_validator(mode="after")
    def _one_server_kind(self) -> "Chaincode":
        if (self.contract is None) == (self.command is None):
            raise ValueError("give exactly one of contract (a Python chaincode) or command (another server)")
        return self


class Channel(_Model):
    name: ChannelName
    organizations: list[str] = Field(min_length=1)
    orderers: list[str] | None = None  # default: every orderer
    chaincodes: list[Chaincode] = []


@dataclass(frozen=True)
class Endpoint:
    """A port of the file with where it is declared and the node's resolved hosts."""

    where: str
    port: int
    org: str     # the organisation whose node it is
    host: str    # reached at
    listen: str  # listens on


class Consortium(_Model):
    name: Name
    host: Host = "127.0.0.1"
    listen: Host | None = None
    # Who orders: one orderer organisation, or the members themselves (each organisation with
    # `orderers:` runs consenters of its own; the batch settings are then the file's `batch:`).
    orderer_organization: OrdererOrganization | None = None
    batch: Batch | None = None
    organizations: list[Organization] = Field(min_length=1)
    channels: list[Channel] = []

    @model_validator(mode="after")
    def _references(self) -> "Consortium":
        org_names = [o.name for o in self.organizations]
        ordering_members = [o.name for o in self.organizations if o.orderers]
        if self.orderer_organization is None and not ordering_members:
            raise ValueError("no orderers: give an orderer_organization, or orderers to the organisations that "
                             "order (ordering by the members)")
        if self.orderer_organization is not None and ordering_members:
            raise ValueError(f"organizations {', '.join(ordering_members)} have orderers besides the "
                             "orderer_organization: choose one way of ordering")
        if self.orderer_organization is not None and self.batch is not None:
            raise ValueError("batch: set it in orderer_organization.batch (the file's batch is for ordering by "
                             "the members)")
        _unique(self.member_names, "organisation name")
        _unique([m.msp_id for m in map(self.member, self.member_names)], "msp_id")
        _unique([c.name for c in self.channels], "channel name")
        orderer_names = [o.name for o in self.orderers]
        _unique(orderer_names, "orderer name")
        for i, org in enumerate(self.organizations):
            _unique([p.name for p in org.peers], f"peer name in organizations[{i}]")
            _unique([u.name for u in org.users], f"user name in organizations[{i}]")
        for i, channel in enumerate(self.channels):
            for j, member in enumerate(channel.organizations):
                if member not in org_names:
                    raise ValueError(
                        f"channels[{i}].organizations[{j}]: unknown organisation {member!r} "
                        f"(known: {', '.join(org_names)})"
                    )
            _unique(channel.organizations, f"organisation in channels[{i}]")
            for j, orderer in enumerate(channel.orderers or []):
                if orderer not in orderer_names:
                    raise ValueError(
                        f"channels[{i}].orderers[{j}]: unknown orderer {orderer!r} (known: {', '.join(orderer_names)})"
                    )
            _unique([c.name for c in channel.chaincodes], f"chaincode name in channels[{i}]")
            for j, cc in enumerate(channel.chaincodes):
                where = f"channels[{i}].chaincodes[{j}].servers"
                missing = [o for o in channel.organizations if o not in cc.servers]
                extra = [o for o in cc.servers if o not in channel.organizations]
                if missing:
                    raise ValueError(f"{where}: no chaincode server port for {', '.join(missing)}")
                if extra:
                    raise ValueError(f"{where}: {', '.join(extra)} is not a member of channel {channel.name!r}")
        # One chaincode server per organisation serves a chaincode on every channel it runs on
        # (the peer keeps one connection per package), so the same name must mean the same thing.
        first: dict[str, tuple[str, Chaincode]] = {}
        for i, channel in enumerate(self.channels):
            for j, cc in enumerate(channel.chaincodes):
                where = f"channels[{i}].chaincodes[{j}]"
                if cc.name not in first:
                    first[cc.name] = (where, cc)
                    continue
                other_where, other = first[cc.name]
                if (cc.version, cc.contract, cc.command) != (other.version, other.contract, other.command):
                    raise ValueError(f"{where}: chaincode {cc.name!r} must have the same version and contract "
                                     f"as {other_where} (one server serves it on every channel)")
                for org, server in cc.servers.items():
                    if org in other.servers and other.servers[org] != server:
                        raise ValueError(f"{where}.servers.{org}: {cc.name!r} already served on port "
                                         f"{other.servers[org].port} ({other_where})")
        seen: dict[int, str] = {}
        for where, port in self.ports():
            if port in seen:
                raise ValueError(f"duplicate port {port}: {seen[port]} and {where}")
            seen[port] = where
        return self

    # -- lookups -----------------------------------------------------------------------------

    def organization(self, name: str) -> Organization:
        for org in self.organizations:
            if org.name == name or org.msp_id == name:
                return org
        raise KeyError(f"no organisation {name!r} in consortium {self.name!r}")

    def member(self, name: str) -> Organization | OrdererOrganization:
        """An organisation that runs nodes: the orderer organisation or an application one."""
        if self.orderer_organization is not None and name == self.orderer_organization.name:
            return self.orderer_organization
        try:
            return self.organization(name)
        except KeyError:
            raise KeyError(f"no organisation {name!r} in consortium {self.name!r} "
                           f"(known: {', '.join(self.member_names)})") from None

    @property
    def member_names(self) -> list[str]:
        """Every organisation that runs nodes: the orderer organisation (if any) first."""
        oorg = [self.orderer_organization.name] if self.orderer_organization else []
        return [*oorg, *(o.name for o in self.organizations)]

    @property
    def ordering_organizations(self) -> list[Organization | OrdererOrganization]:
        """The organisations whose orderers order the channels."""
        if self.orderer_organization is not None:
            return [self.orderer_organization]
        return [o for o in self.organizations if o.orderers]

    @property
    def orderers(self) -> list[OrdererNode]:
        return [o for org in self.ordering_organizations for o in org.orderers]

    def orderer_owner(self, name: str) -> Organization | OrdererOrganization:
        """The organisation that runs orderer `name`."""
        for org in self.ordering_organizations:
            if any(o.name == name for o in org.orderers):
                return org
        raise KeyError(f"no orderer {name!r} in consortium {self.name!r}")

    @property
    def ordering_batch(self) -> Batch:
        """How orderers cut blocks on new channels."""
        if self.orderer_organization is not None:
            return self.orderer_organization.batch
        return self.batch or Batch()

    def channel(self, name: str) -> Channel:
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(f"no channel {name!r} in consortium {self.name!r}")

    def channel_orderers(self, channel: Channel) -> list[OrdererNode]:
        wanted = channel.orderers or [o.name for o in self.orderers]
        return [o for o in self.orderers if o.name in wanted]

    def channels_of(self, org: Organization) -> list[Channel]:
        return [c for c in self.channels if org.name in c.organizations]

    def endpoints(self) -> Iterator[Endpoint]:
        """Every port in the file with the path of the field that declares it and its node's hosts."""
        def placed(where: str, port: int, node: _Placed, org: Organization | OrdererOrganization) -> Endpoint:
            # The node first, then its organisation, then the top of the file.
            host = node.host or org.host or self.host
            listen = node.listen or org.listen or self.listen or host
            return Endpoint(where, port, org.name, host, listen)

        oorg = self.orderer_organization
        for i, o in enumerate(oorg.orderers if oorg else []):
            base = f"orderer_organization.orderers[{i}]"
            for field in ("port", "admin_port", "operations_port"):
                yield placed(f"{base}.{field}", getattr(o, field), o, oorg)
        for i, org in enumerate(self.organizations):
            for j, o in enumerate(org.orderers):
                base = f"organizations[{i}].orderers[{j}]"
                for field in ("port", "admin_port", "operations_port"):
                    yield placed(f"{base}.{field}", getattr(o, field), o, org)
            for j, p in enumerate(org.peers):
                base = f"organizations[{i}].peers[{j}]"
                for field in ("port", "chaincode_port", "operations_port"):
                    yield placed(f"{base}.{field}", getattr(p, field), p, org)
            yield placed(f"organizations[{i}].ca.port", org.ca.port, org.ca, org)
            yield placed(f"organizations[{i}].ca.operations_port", org.ca.operations_port, org.ca, org)
            if org.api:
                yield placed(f"organizations[{i}].api.port", org.api.port, org.api, org)
        served = set()
        for i, channel in enumerate(self.channels):
            for j, cc in enumerate(channel.chaincodes):
                for org_name, server in cc.servers.items():
                    if (cc.name, org_name) not in served:  # one server per chaincode and organisation
                        served.add((cc.name, org_name))
                        yield placed(f"channels[{i}].chaincodes[{j}].servers.{org_name}", server.port,
                                     server, self.organization(org_name))

    def ports(self) -> Iterator[tuple[str, int]]:
        """Every port in the file with the path of the field that declares it."""
        return ((e.where, e.port) for e in self.endpoints())

    def ports_in_use(self, member: str | None = None) -> list[str]:
        """Why a node (of organisation `member`, default every one) could not listen here: its
        listen host unknown or not an address of this machine, or its port taken (one line per
        declared port)."""
        return [problem for e in self.endpoints()
                if member in (None, e.org) and (problem := _listen_problem(e))]


def _unique(values: list[str], what: str) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what}: {value!r}")
        seen.add(value)


def _listen_problem(endpoint: Endpoint) -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((endpoint.listen, endpoint.port))
        except socket.gaierror:
            return f"{endpoint.where}: unknown host {endpoint.listen!r} (it does not resolve here)"
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                return (f"{endpoint.where}: {endpoint.listen} is not an address of this machine "
                        "(run this node on the host that has it, or set its `listen`)")
            return f"port {endpoint.port} ({endpoint.where}) is already in use on {endpoint.listen}"
    return None


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse(data: object, source: str = "consortium") -> Consortium:
    if not isinstance(data, dict):
        raise ConsortiumError(f"{source}: expected a mapping at the top level")
    try:
        return Consortium.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _location(err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "missing"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field"
            problems.append(f"{where}: {msg}" if where else msg)
        raise ConsortiumError(f"{source}: " + "; ".join(problems)) from None


def load(path: Path | str = DEFAULT_FILE) -> Consortium:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise ConsortiumError(f"cannot read consortium file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConsortiumError(f"{path}: not valid YAML: {exc}") from None
    return parse(data, str(path))


def with_free_ports(consortium: Consortium) -> Consortium:
    """A copy of the consortium with every port replaced by one that is free now (for tests)."""
    data = consortium.model_dump()
    sockets = []

    def free() -> int:
        sock = socket.socket()
        sock.bind((consortium.host, 0))
        sockets.append(sock)  # held until all are chosen, so no port is handed out twice
        return sock.getsockname()[1]

    def walk(node: object) -> object:
        if isinstance(node, dict):
            return {k: (free() if _is_port_key(k) and isinstance(v, int) else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    data = walk(data)
    servers: dict[tuple[str, str], int] = {}
    for channel in data["channels"]:
        for cc in channel["chaincodes"]:
            for org, server in cc["servers"].items():
                server["port"] = servers.setdefault((cc["name"], org), server["port"])
    for sock in sockets:
        sock.close()
    return parse(data)


def _is_port_key(key: str) -> bool:
    return key == "port" or key.endswith("_port")


def dump(consortium: Consortium, path: Path) -> None:
    path.write_text(yaml.safe_dump(consortium.model_dump(exclude_defaults=False), sort_keys=False))
