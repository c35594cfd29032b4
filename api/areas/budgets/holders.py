"""What a resident's wallet reads without a login: its budget's balance and history with a query
token signed on the phone (the chaincode checks the token, so the gateway need not trust the
caller), and where a scheme's budgets can be spent (public like the scheme).

The gateway evaluates them as its `wallet` user. None of them takes or answers personal data: a
budget names only its pseudonym, the places only shops."""
from __future__ import annotations

from typing import Annotated

from flask import Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from grootboek.chaincode.budgets.domain.admission import SpendingPlaces
from grootboek.chaincode.budgets.domain.balance import Balance
from grootboek.chaincode.budgets.domain.budget_entry import BudgetEntry
from grootboek.chaincode.budgets.domain.holder_codes import QueryAuthorisation, SealedCode
from grootboek.chaincode.budgets.domain.pages import Page

from ...errors import ApiError
from ...errors.catalog import NO_WALLET_IDENTITY
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ...routing.route import JSON
from ...services import current_services
from ..common import PageQuery
from .access import wallet_user

HOLDER_ERRORS = (404, 422, 503)


class TokenQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", use_attribute_docstrings=True)

    holder_token: Annotated[str, StringConstraints(min_length=1, max_length=4096, pattern=r"^[A-Za-z0-9_-]+$")]
    """A query token signed with the budget's key (it names the budget)."""

    def budget(self) -> str:
        claimed = SealedCode(self.holder_token, QueryAuthorisation).claimed
        if claimed is None:
            raise ApiError(400, "INVALID_ARGUMENT", "holder_token: not a query token (it names no budget)")
        return claimed.budget


class TokenPageQuery(TokenQuery, PageQuery):
    pass


def add(routes: Routes, budgets: Chaincode) -> None:
    @routes.get("/holder/balance", public=True, query=TokenQuery, response=Balance, responses=HOLDER_ERRORS,
                own_codes=(NO_WALLET_IDENTITY,), summary="The balance of the budget a query token names (no login)")
    def holder_balance(query: TokenQuery) -> Response:
        return _evaluate(budgets.read("Budgets:balance", query.budget(), query.holder_token))

    @routes.get("/holder/history", public=True, query=TokenPageQuery, response=Page[BudgetEntry],
                responses=HOLDER_ERRORS, own_codes=(NO_WALLET_IDENTITY,),
                summary="The movements of the budget a query token names, oldest first (no login)")
    def holder_history(query: TokenPageQuery) -> Response:
        return _evaluate(budgets.read("Budgets:history", query.budget(), query.page_size, query.bookmark,
                                      query.holder_token))

    @routes.get("/schemes/<scheme_id>/places", public=True, response=SpendingPlaces, responses=(404, 503),
                own_codes=(NO_WALLET_IDENTITY,),
                summary="Where a scheme's budgets can be spent: categories, limits, admitted shops (no login)")
    def spending_places(scheme_id: str) -> Response:
        return _evaluate(budgets.read("Budgets:spending_places", scheme_id))


def _evaluate(call: ChaincodeCall) -> Response:
    response = Response(current_services().invoker.evaluate(wallet_user(), call), mimetype=JSON)
    response.headers["Cache-Control"] = "no-store"  # a balance is the holder's alone
    return response
