"""Request bodies and queries of the budgets routes, built from the chaincode's own field types
and records so the gateway refuses malformed input exactly as the chaincode would."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from grootboek.chaincode.budgets.domain.fields import Amount, Category, Identifier
from grootboek.chaincode.budgets.domain.holder_codes import PaymentAuthorisation, SealedCode
from grootboek.chaincode.budgets.domain.merchant import MerchantRegistration
from grootboek.chaincode.budgets.domain.scheme import SchemeTerms
from grootboek.chaincode.budgets.domain.settlement import BankReference

from ...errors import ApiError
from ..common import HOLDER_KEY_EXAMPLE, PageQuery, example_of, examples

_CODE_EXAMPLE = "eyJzaWduYXR1cmUiOiJNRVVDSVFEa1NEVjJ4X0ZhIiwic3RhdGVtZW50Ijp7ImJ1ZGdldCI6ImItMDAwMSJ9fQ"
HolderToken = Annotated[str, StringConstraints(max_length=4096, pattern=r"^[A-Za-z0-9_-]*$")]


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SchemeCreation(_Request):
    model_config = examples({"id": "voorbeeldregeling", "terms": example_of(SchemeTerms)})

    id: Identifier
    terms: SchemeTerms


class AdmissionRequest(_Request):
    model_config = examples({"merchant_id": "voorbeeldwinkel"})

    merchant_id: Identifier


class MerchantCreation(_Request):
    model_config = examples({"id": "voorbeeldwinkel", "registration": {
        "kvk": "12345678", "name": "Voorbeeldwinkel De Ketting", "categories": ["bicycles"],
        "identity": "x509::CN=voorbeeldwinkel,OU=client+OU=merchants::CN=ca.winkeliers.grootboek.nl,"
                    "O=winkeliers.grootboek.nl,C=NL", "iban": "NL91ABNA0417164300"}})

    id: Identifier
    registration: MerchantRegistration


class BudgetIssue(_Request):
    model_config = examples({"id": "b-voorbeeld-1", "scheme_id": "voorbeeldregeling",
                             "beneficiary": "pseudo-voorbeeld-1",
                             "holder_key": HOLDER_KEY_EXAMPLE})

    id: Identifier
    scheme_id: Identifier
    beneficiary: Identifier
    """A pseudonym chosen by the municipality: never a name or BSN."""
    holder_key: Annotated[str, StringConstraints(min_length=1, max_length=1024)]
    """The holder's ECDSA P-256 public key (PEM): payment codes must be signed with its key."""


class Quantity(_Request):
    model_config = examples({"amount": 2500})

    amount: Amount
    """In the scheme's unit (EUR cents, or entitlements)."""


class PaymentRequest(_Request):
    # The code names its budget, so a till sends none; a back office may name it.
    model_config = examples({"amount": 4500, "category": "bicycles", "code": _CODE_EXAMPLE},
                            {"budget_id": "b-voorbeeld-1", "amount": 1250, "category": "bicycles",
                             "code": _CODE_EXAMPLE})

    budget_id: Identifier | None = None
    """Taken from the code when omitted (a code names its budget)."""
    amount: Amount
    category: Category
    code: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    """The holder's payment code (scanned from the app's QR code)."""

    def budget(self) -> str:
        """The budget to pay from: the one given, or the one the code names."""
        if self.budget_id is not None:
            return self.budget_id
        claimed = SealedCode(self.code, PaymentAuthorisation).claimed
        if claimed is None:
            raise ApiError(400, "INVALID_ARGUMENT", "budget_id: missing, and the code names no budget")
        return claimed.budget


class SettlementRequest(_Request):
    model_config = examples({"scheme_id": "voorbeeldregeling", "merchant_id": "voorbeeldwinkel",
                             "bank_reference": "NL-2026-0001"})

    scheme_id: Identifier
    merchant_id: Identifier
    bank_reference: BankReference


class HolderQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)

    holder_token: HolderToken = ""
    """The holder's query token; officers need none."""


class StatementQuery(PageQuery):
    day: date | None = None
    """Only this UTC day's lines (YYYY-MM-DD)."""
    newest_first: bool = False


class HistoryQuery(PageQuery):
    holder_token: HolderToken = ""
