"""Schemes (regelingen): created, amended, opened and closed by the municipality's officers."""
from __future__ import annotations

from grootboek.chaincode.budgets.domain.admission import Admission
from grootboek.chaincode.budgets.domain.report import SchemeReport
from grootboek.chaincode.budgets.domain.scheme import Scheme, SchemeTerms

from ...auth.roles import Role
from ...auth.user import User
from ...fabric.calls import Chaincode, ChaincodeCall
from ...routing import Routes
from ..common import ANYONE, READ_ERRORS, WRITE_ERRORS, PageQuery
from .models import AdmissionRequest, SchemeCreation

SCHEME = "/schemes/<scheme_id>"


def add(routes: Routes, budgets: Chaincode) -> None:
    officer = {Role.OFFICER}

    @routes.post("/schemes", body=SchemeCreation, response=Scheme, status=201, roles=officer,
                 responses=WRITE_ERRORS, summary="Create a scheme (a draft)")
    def create_scheme(user: User, body: SchemeCreation) -> ChaincodeCall:
        return budgets.write("Budgets:create_scheme", body.id, body.terms)

    @routes.get(SCHEME, response=Scheme, roles=ANYONE, responses=READ_ERRORS, summary="A scheme")
    def get_scheme(user: User, scheme_id: str) -> ChaincodeCall:
        return budgets.read("Budgets:get_scheme", scheme_id)

    @routes.put(SCHEME + "/terms", body=SchemeTerms, response=Scheme, roles=officer, responses=WRITE_ERRORS,
                summary="Amend a draft scheme's terms")
    def amend_scheme(user: User, scheme_id: str, body: SchemeTerms) -> ChaincodeCall:
        return budgets.write("Budgets:amend_scheme", scheme_id, body)

    @routes.post(SCHEME + "/open", response=Scheme, roles=officer, responses=WRITE_ERRORS,
                 summary="Open a scheme for payments")
    def open_scheme(user: User, scheme_id: str) -> ChaincodeCall:
        return budgets.write("Budgets:open_scheme", scheme_id)

    @routes.post(SCHEME + "/close", response=Scheme, roles=officer, responses=WRITE_ERRORS,
                 summary="Close a scheme: no more payments, issues or top-ups")
    def close_scheme(user: User, scheme_id: str) -> ChaincodeCall:
        return budgets.write("Budgets:close_scheme", scheme_id)

    @routes.post(SCHEME + "/admissions", body=AdmissionRequest, response=Admission, status=201,
                 roles=officer, responses=WRITE_ERRORS, summary="Admit a merchant to the scheme")
    def admit_merchant(user: User, scheme_id: str, body: AdmissionRequest) -> ChaincodeCall:
        return budgets.write("Budgets:admit_merchant", scheme_id, body.merchant_id)

    @routes.get(SCHEME + "/report", query=PageQuery, response=SchemeReport, roles=officer,
                responses=READ_ERRORS, summary="The scheme's budgets and totals, a page at a time")
    def scheme_report(user: User, scheme_id: str, query: PageQuery) -> ChaincodeCall:
        return budgets.read("Budgets:scheme_report", scheme_id, query.page_size, query.bookmark)
