"""The budgets chaincode on the in-memory ledger (shimtest), with the cast of the story as identities.

`Kindpakket.ok(...)` runs a transaction that must succeed and returns its JSON result;
`Kindpakket.refused(CODE, ...)` runs one that must fail with exactly that code and change nothing.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets import chaincode
from grootboek.chaincode.budgets.domain.errors import ErrorCode
from grootboek.chaincode.budgets.domain.holder_codes import payment_code, query_token
from grootboek.chaincode.contractapi import Chaincode
from grootboek.chaincode.shimtest import MemoryLedger, TestIdentity, TxResult, make_identity
from grootboek.chaincode.signing import public_key_pem

from .scenario import END, NOW, START

MUNICIPALITY, MERCHANTS = "MunicipalityMSP", "MerchantsMSP"
OFFICER = make_identity(MUNICIPALITY, "officer", {"role": "officer"})
CLERK = make_identity(MUNICIPALITY, "clerk")
REGISTRAR = make_identity(MERCHANTS, "registrar", {"role": "merchant-registrar"})
FAKE_OFFICER = make_identity(MERCHANTS, "mallory", {"role": "officer"})
BIKE_SHOP = make_identity(MERCHANTS, "fietsenwinkel")
SPORTS_SHOP = make_identity(MERCHANTS, "sportwinkel")
LIQUOR_STORE = make_identity(MERCHANTS, "slijterij")
UNREGISTERED_SHOP = make_identity(MERCHANTS, "onbekend")

SCHEME = "kindpakket-2025"
TERMS = {
    "name": "Kindpakket 2025", "starts_at": START.isoformat(), "ends_at": END.isoformat(),
    "amount_per_beneficiary": 25_000, "categories": ["bicycles", "sports", "clothing", "school-supplies", "culture"],
    "category_caps": {"clothing": 10_000}, "max_per_payment": 20_000,
}
PERSONAL = {"name": "J. de Vries", "bsn": "111222333", "address": "Hoofdstraat 1, 9801 AA Zuidhorn"}


def identity_id(identity: TestIdentity) -> str:
    return identity.client_identity.id


class Kindpakket:
    """A channel with the budgets chaincode, an open scheme, three shops (the liquor store not
    admitted) and helpers for holders' keys and codes."""

    def __init__(self, budgets: Chaincode = chaincode) -> None:
        self.ledger = MemoryLedger("kindpakket")
        self.ledger.deploy("budgets", budgets)
        self.holder_keys: dict[str, ec.EllipticCurvePrivateKey] = {}

    # -- running transactions ----------------------------------------------------------------

    def call(self, identity: TestIdentity, function: str, *args: Any, at: datetime = NOW,
             transient: dict[str, bytes] | None = None) -> TxResult:
        return self.ledger.invoke("budgets", f"Budgets:{function}", *args, identity=identity,
                                  transient=transient, timestamp=at)

    def ok(self, identity: TestIdentity, function: str, *args: Any, **options: Any) -> Any:
        result = self.call(identity, function, *args, **options)
        assert result.ok, result.message
        return result.json() if result.payload else None

    def refused(self, code: ErrorCode, identity: TestIdentity, function: str, *args: Any, **options: Any) -> str:
        before = self.snapshot()
        result = self.call(identity, function, *args, **options)
        assert not result.ok and result.message.startswith(f"{code}: "), result.message
        assert result.event is None and self.snapshot() == before
        return result.message

    def snapshot(self) -> tuple[dict[str, bytes], dict[str, bytes]]:
        return self.ledger.state("budgets"), self.ledger.state("budgets", "personal")

    # -- the cast ------------------------------------------------------------------------------

    def setup(self) -> "Kindpakket":
        """Open scheme; bike and sports shops registered and admitted; the liquor store registered."""
        self.ok(OFFICER, "create_scheme", SCHEME, TERMS, at=START - timedelta(days=30))
        self.ok(OFFICER, "open_scheme", SCHEME, at=START - timedelta(days=1))
        self.register("fietsenwinkel", BIKE_SHOP, ["bicycles"])
        self.register("sportwinkel", SPORTS_SHOP, ["sports", "clothing"])
        self.register("slijterij", LIQUOR_STORE, ["liquor"])
        self.ok(OFFICER, "admit_merchant", SCHEME, "fietsenwinkel")
        self.ok(OFFICER, "admit_merchant", SCHEME, "sportwinkel")
        return self

    def register(self, merchant_id: str, shop: TestIdentity, categories: list[str]) -> Any:
        registration = {"kvk": "12345678", "name": merchant_id.title(), "categories": categories,
                        "identity": identity_id(shop)}
        return self.ok(REGISTRAR, "register_merchant", merchant_id, registration)

    def issue(self, budget_id: str = "b-0001", beneficiary: str | None = None, scheme_id: str = SCHEME) -> Any:
        key = self.holder_keys.setdefault(budget_id, ec.generate_private_key(ec.SECP256R1()))
        return self.ok(OFFICER, "issue_budget", budget_id, scheme_id, beneficiary or f"pseudo-{budget_id}",
                       public_key_pem(key))

    def code(self, budget_id: str = "b-0001", at: datetime = NOW, **limits: Any) -> str:
        return payment_code(self.holder_keys[budget_id], budget_id, at + timedelta(minutes=5), **limits)

    def token(self, budget_id: str = "b-0001", at: datetime = NOW) -> str:
        return query_token(self.holder_keys[budget_id], budget_id, at + timedelta(minutes=1))

    def pay(self, amount: int, category: str = "bicycles", shop: TestIdentity = BIKE_SHOP,
            budget_id: str = "b-0001", at: datetime = NOW) -> Any:
        return self.ok(shop, "pay", budget_id, amount, category, self.code(budget_id, at), at=at)

    def balance(self, budget_id: str = "b-0001") -> int:
        return self.ok(OFFICER, "balance", budget_id)["balance"]
