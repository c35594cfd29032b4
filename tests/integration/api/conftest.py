"""REST gateways for the shared network (tests/integration/conftest.py `fabric`): one per
organisation, started as production runs them (`python -m grootboek.api serve`, gunicorn, HTTPS
with optional client certificates), with users set up through the admin commands.

Until the network's `up` starts gateways itself, this module starts its own on free ports.
"""
from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import yaml
from requests.adapters import HTTPAdapter

from grootboek.api.__main__ import main as api_main
from grootboek.api.accounts import Accounts
from grootboek.api.config import load as load_config
from grootboek.network.readiness import wait_for

CHAINCODES = {"kindpakket": {"budgets": {"channel": "kindpakket", "chaincode": "budgets"}},
              "kadaster": {"registry": {"channel": "kadaster", "chaincode": "registry"}}}
SHOPS = ("fietsenwinkel", "sportwinkel")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    org: str
    config_path: Path
    base_url: str
    ca_file: Path
    process: subprocess.Popen | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, user: str | None = None, **options) -> Client:
        return Client(self.base_url, self.ca_file, self.tokens.get(user) if user else None, **options)

    def admin(self, *args: str) -> str:
        """Runs `python -m grootboek.api ARGS --config <this gateway>` in-process; its output."""
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert api_main([*args[:2], "--config", str(self.config_path), *args[2:]]) == 0
        return out.getvalue()

    def issue_token(self, user: str) -> str:
        token, _ = Accounts.open(load_config(self.config_path)).tokens.issue(user, "tests")
        self.tokens[user] = token
        return token

    def start(self, log: Path) -> None:
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "grootboek.api", "serve", "--config", str(self.config_path)],
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self._ready, f"REST gateway of {self.org} ready", timeout=60)

    def _ready(self) -> bool:
        assert self.process is not None and self.process.poll() is None, "the gateway exited"
        try:
            return self.client().get("/health/ready", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # gunicorn stops its workers first
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def write_config(network, org_name: str, directory: Path) -> Path:
    org = network.consortium.organization(org_name)
    crypto = network.layout.crypto(org_name)
    directory.mkdir(parents=True, exist_ok=True)
    crypto.add_server_tls(directory, f"api.{org.domain}", "127.0.0.1")
    tls_ca = crypto.root / "tlsca" / "cert.pem"
    chaincodes: dict = {}
    for channel in network.consortium.channels_of(org):
        chaincodes.update(CHAINCODES.get(channel.name, {}))
    config = {
        "organization": org.name,
        "msp_id": org.msp_id,
        "listen": f"127.0.0.1:{free_port()}",
        "tls": {"cert": str(directory / "tls" / "server.crt"), "key": str(directory / "tls" / "server.key"),
                "client_ca": str(tls_ca)},
        "connection_profile": str(network.layout.profile(org.name)),
        "data_dir": str(directory / "data"),
        "chaincodes": chaincodes,
        "ca": {"url": f"https://127.0.0.1:{org.ca.port}", "ca_name": "ca", "tls_ca": str(tls_ca),
               "registrar": "admin", "registrar_secret_file": str(crypto.root / "ca-registrar.secret")},
        "workers": 2,
    }
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture(scope="session")
def gateways(fabric, tmp_path_factory):
    """{"Municipality": Gateway, "Registry": ..., "Merchants": ...}, running, with users and
    tokens: officer and operator (Municipality), registrar (Registry), registrar and one till
    user per shop (Merchants)."""
    root = tmp_path_factory.mktemp("api")
    started: dict[str, Gateway] = {}
    try:
        for org in ("Municipality", "Registry", "Merchants"):
            path = write_config(fabric, org, root / org)
            config = load_config(path)
            gateway = Gateway(org, path, f"https://{config.listen}", config.tls.client_ca)
            users = fabric.layout.crypto(org).root / "users"
            for name in {"Municipality": ["officer"], "Registry": ["registrar"], "Merchants": ["registrar"]}[org]:
                gateway.admin("user", "add", name, "--msp-dir", str(users / name / "msp"),
                              "--tls-cert", str(users / name / "tls" / "client.crt"))
                gateway.issue_token(name)
            if org == "Municipality":
                gateway.admin("user", "add", "operator", "--msp-dir", str(users / "admin" / "msp"),
                              "--role", "operator", "--role", "reader")
                gateway.issue_token("operator")
            if org == "Merchants":
                for shop in SHOPS:
                    gateway.admin("user", "enroll", shop, "--merchant", shop)
                    gateway.issue_token(shop)
            started[org] = gateway
            gateway.start(root / f"{org}.log")
        yield started
    finally:
        for gateway in started.values():
            gateway.stop()


@pytest.fixture(scope="session")
def shops(gateways):
    """Both shops registered as merchants (bound to their till users' certificates)."""
    from .budgets_world import register_shops

    register_shops(gateways)
    return gateways
