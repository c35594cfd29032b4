"""The budgets side of the shared network as the tests need it: shops registered once per session,
a fresh open scheme per test, holders with their budget keys, and activation letters."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets.domain.holder_codes import payment_code, query_token
from grootboek.chaincode.signing import public_key_pem

from .commits import committed_on, submitted

CATEGORIES = {"fietsenwinkel": ["bicycles"], "sportwinkel": ["sports"]}
IBANS = {"fietsenwinkel": "NL91ABNA0417164300", "sportwinkel": "NL20INGB0001234567"}


def register_shops(gateways) -> None:
    """Each shop registered once (the first transactions of a new consortium: `submitted`)."""
    registrar = gateways["Merchants"].client("registrar")
    for shop, categories in CATEGORIES.items():
        fabric_id = gateways["Merchants"].client(shop).get("/v1/me").json()["fabric_id"]
        body = {"id": shop, "registration": {"kvk": "12345678", "name": shop, "categories": categories,
                                             "identity": fabric_id, "iban": IBANS[shop]}}
        response = submitted(registrar, "/v1/budgets/merchants", body, f"registration of {shop}")
        assert response.status_code == 201, response.text
        committed_on(gateways["Municipality"].client("officer"), "kindpakket", response)


def open_scheme(officer, till, admitted=tuple(CATEGORIES), **terms) -> str:
    """A new open scheme admitting the shops `admitted` (both by default), committed on the tills'
    peer too; returns its id."""
    scheme = f"api-{secrets.token_hex(4)}"
    now = datetime.now(timezone.utc)
    body = {"id": scheme, "terms": {"name": "Kindpakket (API tests)",
                                    "starts_at": (now - timedelta(days=1)).isoformat(),
                                    "ends_at": (now + timedelta(days=30)).isoformat(),
                                    "amount_per_beneficiary": 25_000, "categories": ["bicycles", "sports"],
                                    "max_per_payment": 20_000, **terms}}
    created = submitted(officer, "/v1/budgets/schemes", body, f"scheme {scheme}")
    assert created.status_code == 201, created.text
    assert officer.post(f"/v1/budgets/schemes/{scheme}/open").json()["status"] == "open"
    for shop in admitted:
        admission = officer.post(f"/v1/budgets/schemes/{scheme}/admissions", {"merchant_id": shop})
        assert admission.status_code == 201, admission.text
    committed_on(till, "kindpakket", admission)
    return scheme


def letter(officer, till, scheme: str) -> dict:
    """A new budget's activation letter (the officer's answer), committed on the till's peer."""
    budget_id = f"b-{secrets.token_hex(5)}"
    issued = officer.post("/v1/budgets/activation-letters", {"budget_id": budget_id, "scheme_id": scheme,
                                                             "beneficiary": f"pseudo-{budget_id}"})
    assert issued.status_code == 201, issued.text
    committed_on(till, "kindpakket", issued)
    return issued.json()


class Holder:
    """A parent's app: the budget's key, making payment codes and query tokens."""

    def __init__(self, officer, scheme: str, till) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.budget_id = f"b-{secrets.token_hex(5)}"
        issued = officer.post("/v1/budgets/budgets", {"id": self.budget_id, "scheme_id": scheme,
                                                      "beneficiary": f"pseudo-{self.budget_id}",
                                                      "holder_key": public_key_pem(self.key)})
        assert issued.status_code == 201, issued.text
        committed_on(till, "kindpakket", issued)

    def code(self, minutes: float = 5) -> str:
        """A payment code valid for `minutes` (negative: one that has expired)."""
        return payment_code(self.key, self.budget_id, datetime.now(timezone.utc) + timedelta(minutes=minutes))

    def token(self) -> str:
        return query_token(self.key, self.budget_id, datetime.now(timezone.utc) + timedelta(minutes=5))
