"""Unit fixtures: a gateway app on a temporary data dir with a fake Fabric, and users whose
identities come from a throwaway organisation CA."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from grootboek.api.accounts import Accounts
from grootboek.api.app import create_app
from grootboek.api.auth.roles import Role
from grootboek.api.config import ApiConfig, parse
from grootboek.api.services import Services
from grootboek.network.config.crypto import OrgCrypto

from .fakes import FakeInvoker, FakeLedger

USERS = {  # name: (certificate role attribute, gateway roles or None for the default, merchant)
    "officer": ("officer", None, None),
    "registrar": ("registrar", None, None),
    "shop": (None, None, "fietsenwinkel"),
    "operator": (None, {Role.OPERATOR, Role.READER}, None),
    "nobody": (None, set(), None),
}


@pytest.fixture(scope="session")
def organisation(tmp_path_factory) -> OrgCrypto:
    """A CA with one MSP directory per user in USERS."""
    crypto = OrgCrypto(tmp_path_factory.mktemp("crypto") / "Municipality", "gemeente.example")
    crypto.create()
    for name, (role, _, _) in USERS.items():
        crypto.add_user(name, attributes={"role": role} if role else None)
    return crypto


def config_for(data_dir: Path, **overrides) -> ApiConfig:
    return parse({"organization": "Municipality", "msp_id": "MunicipalityMSP",
                  "connection_profile": str(data_dir / "profile.json"), "data_dir": str(data_dir),
                  "chaincodes": {"budgets": {"channel": "kindpakket", "chaincode": "budgets"},
                                 "registry": {"channel": "kadaster", "chaincode": "registry"}},
                  **overrides})


@dataclass
class Gateway:
    """A test app with its fakes, its users' tokens and a client that sends them."""

    app: object
    invoker: FakeInvoker
    ledger: FakeLedger
    tokens: dict[str, str]
    accounts: Accounts
    services: Services

    def client(self):
        return self.app.test_client()

    def auth(self, user: str, **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}", **headers}


@pytest.fixture
def gateway(tmp_path, organisation) -> Gateway:
    return make_gateway(tmp_path, organisation)


def make_gateway(tmp_path: Path, organisation: OrgCrypto, **overrides) -> Gateway:
    """A gateway app (config_for with `overrides`) with every user in USERS and a token for each."""
    config = config_for(tmp_path, **overrides)
    accounts = Accounts.open(config)
    tokens = {}
    for name, (_, roles, merchant) in USERS.items():
        accounts.import_identity(name, organisation.user_dir(name) / "msp", roles, merchant)
        tokens[name], _ = accounts.tokens.issue(name)
    invoker, ledger = FakeInvoker(), FakeLedger()
    services = Services.open(config, invoker=invoker, ledger=ledger)  # type: ignore[arg-type]
    return Gateway(create_app(config, services), invoker, ledger, tokens, accounts, services)


@pytest.fixture
def config(tmp_path) -> str:
    """A gateway configuration file for the admin commands (data in tmp_path/data)."""
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump({"organization": "Municipality", "msp_id": "MunicipalityMSP",
                                    "connection_profile": "profile.json", "data_dir": "data"}))
    return str(path)
