"""The REST gateways of the shared network (tests/integration/conftest.py `fabric`): `up` runs
one per organisation as production does (`python -m grootboek.api serve` under the supervisor,
HTTPS with optional client certificates); the tests add their users through the admin
commands while the gateways run.
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
import requests
import yaml
from requests.adapters import HTTPAdapter

from grootboek.api.__main__ import main as api_main
from grootboek.api.accounts import Accounts
from grootboek.api.config import load as load_config
from grootboek.network.nodes import gateways as network_gateways
from grootboek.network.nodes.readiness import wait_for

from tests.ports import free_port

SHOPS = ("fietsenwinkel", "sportwinkel")


class Client:
    """A user's HTTPS session with a gateway (bearer token, or a client certificate)."""

    def __init__(self, base_url: str, ca_file: Path, token: str | None = None,
                 client_cert: tuple[str, str] | None = None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False  # else REQUESTS_CA_BUNDLE would override `verify`
        self.session.verify = str(ca_file)
        # One pooled connection per concurrent caller (the bench runs dozens of threads).
        self.session.mount("https://", HTTPAdapter(pool_connections=1, pool_maxsize=128))
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        if client_cert:
            self.session.cert = client_cert

    def request(self, method: str, path: str, **options) -> requests.Response:
        options.setdefault("timeout", 90)
        return self.session.request(method, self.base_url + path, **options)

    def get(self, path: str, **options) -> requests.Response:
        return self.request("GET", path, **options)

    def post(self, path: str, json=None, **options) -> requests.Response:
        return self.request("POST", path, json=json, **options)

    def put(self, path: str, json=None, **options) -> requests.Response:
        return self.request("PUT", path, json=json, **options)

    def delete(self, path: str, **options) -> requests.Response:
        return self.request("DELETE", path, **options)


@dataclass
class Gateway:
    """An organisation's running REST gateway and the tokens the tests issued for it."""

    org: str
    config_path: Path
    base_url: str
    ca_file: Path
    users_dir: Path
    """The organisation's generated users (<name>/msp, <name>/tls)."""
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, network, org_name: str) -> Gateway:
        org = network.consortium.organization(org_name)
        return cls(org_name, network_gateways.config_file(network.layout, org), network.gateway_url(org),
                   network_gateways.api_tls_dir(network.layout, org) / "ca.crt",
                   network.layout.crypto(org_name).root / "users")

    def client(self, user: str | None = None, **options) -> Client:
        return Client(self.base_url, self.ca_file, self.tokens.get(user) if user else None, **options)

    def admin(self, *args: str) -> str:
        """Runs `python -m grootboek.api ARGS --config <this gateway>` in-process (offline, while
        the gateway runs); its output."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert api_main([*args[:2], "--config", str(self.config_path), *args[2:]]) == 0
        return out.getvalue()

    def issue_token(self, user: str) -> str:
        token, _ = Accounts.open(load_config(self.config_path)).tokens.issue(user, "tests")
        self.tokens[user] = token
        return token

    def tls_pair(self, user: str) -> tuple[str, str]:
        """A generated user's TLS client certificate and key (from the organisation's TLS CA)."""
        tls = self.users_dir / user / "tls"
        return str(tls / "client.crt"), str(tls / "client.key")


@contextlib.contextmanager
def another_instance(gateway: Gateway, folder: Path, settings: dict) -> Iterator[Gateway]:
    """A further gateway process of `gateway`'s organisation on its own port, sharing its database and
    wallet (as an organisation's gateways do), its configuration's top-level keys replaced by
    `settings`; ready when it is yielded, stopped after."""
    host = urlsplit(gateway.base_url).hostname
    port = free_port(host)
    config = yaml.safe_load(gateway.config_path.read_text())
    config.update(settings, listen=f"{config['listen'].rsplit(':', 1)[0]}:{port}")
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    with open(folder / "gateway.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "grootboek.api", "serve", "--config", str(path)],
                                   stdout=log, stderr=subprocess.STDOUT)
    instance = dataclasses.replace(gateway, base_url=f"https://{host}:{port}", config_path=path)
    try:
        def ready() -> bool:
            try:
                return requests.get(instance.base_url + "/health/ready", verify=str(instance.ca_file),
                                    timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_for(ready, f"another {gateway.org} gateway ready", timeout=120,
                 alive=lambda: None if process.poll() is None else (folder / "gateway.log").read_text())
        yield instance
    finally:
        process.terminate()
        process.wait(timeout=30)


def prepare_gateways(network) -> dict[str, Gateway]:
    """{"Municipality": Gateway, "Registry": ..., "Merchants": ...}: the gateways `up` started,
    with users added through the admin commands: officer and operator (Municipality), registrar
    (Registry), registrar and one till user per shop, enrolled at the CA (Merchants); and wallet, which acts
    for residents' phones (Municipality). `network` is the network, or each organisation's own
    by name (members running their nodes from their own state directories)."""
    orgs = ("Municipality", "Registry", "Merchants")
    networks = network if isinstance(network, dict) else dict.fromkeys(orgs, network)
    started = {org: Gateway.of(networks[org], org) for org in orgs}
    for org, gateway in started.items():
        for name in {"Municipality": ["officer"], "Registry": ["registrar"], "Merchants": ["registrar"]}[org]:
            gateway.admin("user", "add", name, "--msp-dir", str(gateway.users_dir / name / "msp"),
                          "--tls-cert", gateway.tls_pair(name)[0])
            gateway.issue_token(name)
    municipality = started["Municipality"]
    municipality.admin("user", "add", "operator", "--msp-dir", str(municipality.users_dir / "admin" / "msp"),
                       "--role", "operator", "--role", "reader")
    municipality.issue_token("operator")
    # The identity the gateway acts with for residents' phones (activations, the wallet's reads):
    # the consortium file's `wallet`, a member of the municipality that is no officer.
    municipality.admin("user", "add", "wallet", "--msp-dir", str(municipality.users_dir / "wallet" / "msp"),
                       "--role", "wallet")
    for shop in SHOPS:
        started["Merchants"].admin("user", "enroll", shop, "--merchant", shop)
        started["Merchants"].issue_token(shop)
    return started


@pytest.fixture(scope="session")
def gateways(fabric):
    """The shared network's gateways and users (`prepare_gateways`)."""
    return prepare_gateways(fabric)


@pytest.fixture(scope="session")
def shops(gateways):
    """Both shops registered as merchants (bound to their till users' certificates)."""
    from .budgets_world import register_shops

    register_shops(gateways)
    return gateways
