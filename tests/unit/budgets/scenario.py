"""The cast and the calendar of the budgets tests: a municipality, a bicycle shop, a liquor store,
one holder's key, and builders for records in a consistent state."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives.asymmetric import ec

from grootboek.chaincode.budgets.domain.budget import Budget
from grootboek.chaincode.budgets.domain.holder_codes import payment_code, read_payment_code, PaymentAuthorisation
from grootboek.chaincode.budgets.domain.merchant import Merchant, MerchantRegistration
from grootboek.chaincode.budgets.domain.scheme import Scheme, SchemeTerms
from grootboek.chaincode.contractapi import Caller, Tx
from grootboek.chaincode.signing import public_key_pem

START = datetime(2025, 1, 1, tzinfo=timezone.utc)
END = datetime(2026, 1, 1, tzinfo=timezone.utc)
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)

MUNICIPALITY = "MunicipalityMSP"
MERCHANTS = "MerchantsMSP"
OFFICER = Caller(MUNICIPALITY, "x509::CN=officer,OU=client,O=Municipality::CN=ca.gemeente.grootboek.nl", "officer")
CLERK = Caller(MUNICIPALITY, "x509::CN=clerk,OU=client,O=Municipality::CN=ca.gemeente.grootboek.nl")
REGISTRAR = Caller(MERCHANTS, "x509::CN=registrar,OU=client,O=Merchants::CN=ca.winkeliers.grootboek.nl",
                   "merchant-registrar")
# A merchants-org certificate that claims to be an officer: roles count only from the right org.
FAKE_OFFICER = Caller(MERCHANTS, "x509::CN=mallory,OU=client,O=Merchants::CN=ca.winkeliers.grootboek.nl", "officer")
BIKE_SHOP = Caller(MERCHANTS, "x509::CN=fietsenwinkel,OU=client,O=Merchants::CN=ca.winkeliers.grootboek.nl")
LIQUOR_STORE = Caller(MERCHANTS, "x509::CN=slijterij,OU=client,O=Merchants::CN=ca.winkeliers.grootboek.nl")
SPORTS_SHOP = Caller(MERCHANTS, "x509::CN=sportwinkel,OU=client,O=Merchants::CN=ca.winkeliers.grootboek.nl")

HOLDER_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = ec.generate_private_key(ec.SECP256R1())
HOLDER_PEM = public_key_pem(HOLDER_KEY)

_tx_numbers = itertools.count()


def tx(caller: Caller, now: datetime = NOW) -> Tx:
    return Tx(id=f"{next(_tx_numbers):064x}", now=now, caller=caller)


def terms(**changes: object) -> SchemeTerms:
    fields: dict[str, object] = dict(
        name="Kindpakket 2025", starts_at=START, ends_at=END, amount_per_beneficiary=25_000,
        categories=["bicycles", "sports", "clothing", "school-supplies", "culture"],
        category_caps={"clothing": 10_000}, max_per_payment=20_000)
    fields.update(changes)
    return SchemeTerms.model_validate(fields)


def draft_scheme(scheme_id: str = "kindpakket-2025", **changes: object) -> Scheme:
    return Scheme.create(scheme_id, terms(**changes), tx(OFFICER, START - timedelta(days=30)))


def open_scheme(scheme_id: str = "kindpakket-2025", **changes: object) -> Scheme:
    return draft_scheme(scheme_id, **changes).opened(tx(OFFICER, START - timedelta(days=1)))


def registration(caller: Caller = BIKE_SHOP, categories: tuple[str, ...] = ("bicycles",),
                 name: str = "Rijwielhandel De Spaak") -> MerchantRegistration:
    return MerchantRegistration(kvk="12345678", name=name, categories=list(categories), identity=caller.id)


def bike_shop() -> Merchant:
    return Merchant.register("fietsenwinkel", registration(), tx(REGISTRAR))


def liquor_store() -> Merchant:
    return Merchant.register("slijterij", registration(LIQUOR_STORE, ("liquor",), "Slijterij Het Vat"),
                             tx(REGISTRAR))


def budget(scheme: Scheme, budget_id: str = "b-0001", key: ec.EllipticCurvePrivateKey = HOLDER_KEY) -> Budget:
    issued, _ = Budget.issue(budget_id, scheme, "pseudo-0001", public_key_pem(key), tx(OFFICER, START))
    return issued


def authorisation(budget_id: str = "b-0001", now: datetime = NOW, **options: object) -> PaymentAuthorisation:
    code = payment_code(HOLDER_KEY, budget_id, now + timedelta(minutes=5), **options)
    return read_payment_code(code, budget_id, HOLDER_PEM, now)
