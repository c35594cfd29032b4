import pytest

from grootboek.chaincode.budgets.domain.admission import Admission
from grootboek.chaincode.budgets.domain.errors import BudgetError, ErrorCode
from grootboek.chaincode.budgets.domain.fields import parse
from grootboek.chaincode.budgets.domain.merchant import Merchant, MerchantRegistration, MerchantStatus
from grootboek.chaincode.contractapi import Caller

from . import kindpakket
from .refusals import refused
from .scenario import (BIKE_SHOP, FAKE_OFFICER, LIQUOR_STORE, OFFICER, REGISTRAR, bike_shop, liquor_store,
                       open_scheme, registration, tx)


def test_the_registrar_registers_a_shop_bound_to_its_certificate():
    shop = bike_shop()
    assert shop.status is MerchantStatus.ACTIVE and shop.registration.identity == BIKE_SHOP.id
    shop.require_acting(BIKE_SHOP)
    with refused(ErrorCode.FORBIDDEN):
        shop.require_acting(LIQUOR_STORE)


@pytest.mark.parametrize("caller", [OFFICER, BIKE_SHOP, FAKE_OFFICER])
def test_only_the_merchants_registrar_registers(caller):
    with refused(ErrorCode.FORBIDDEN):
        Merchant.register("m1", registration(), tx(caller))


def test_acting_needs_the_merchants_org_too():
    # Same subject and issuer text presented under another MSP is someone else.
    impostor = Caller("MunicipalityMSP", BIKE_SHOP.id)
    with refused(ErrorCode.FORBIDDEN):
        bike_shop().require_acting(impostor)


@pytest.mark.parametrize("field, value", [("kvk", "1234567"), ("kvk", "1234567a"), ("identity", "CN=shop"),
                                          ("categories", []), ("name", ""), ("iban", "NL91ABNA0417164301"),
                                          ("iban", "nl91abna0417164300"), ("iban", "NL91 ABNA 0417 1643 00")])
def test_registration_is_validated(field, value):
    with pytest.raises(BudgetError) as err:
        parse(MerchantRegistration, registration().model_dump() | {field: value})
    assert err.value.code is ErrorCode.INVALID_ARGUMENT and field in err.value.message


def test_suspend_and_reinstate_by_the_registrar_only():
    shop = bike_shop()
    with refused(ErrorCode.FORBIDDEN):
        shop.suspended(tx(OFFICER))
    suspended = shop.suspended(tx(REGISTRAR))
    with refused(ErrorCode.MERCHANT_SUSPENDED):
        suspended.require_active()
    with refused(ErrorCode.INVALID_STATE):
        suspended.suspended(tx(REGISTRAR))
    suspended.reinstated(tx(REGISTRAR)).require_active()


def test_categories_registered_for_the_merchant():
    shop = bike_shop()
    shop.require_sells("bicycles")
    with refused(ErrorCode.CATEGORY_NOT_ALLOWED):
        shop.require_sells("sports")


def test_the_municipality_admits_merchants_to_its_scheme():
    admission = Admission.grant(open_scheme(), bike_shop(), tx(OFFICER))
    assert (admission.scheme_id, admission.merchant_id) == ("kindpakket-2025", "fietsenwinkel")


def test_admission_refusals():
    scheme, shop = open_scheme(), bike_shop()
    with refused(ErrorCode.FORBIDDEN):
        Admission.grant(scheme, shop, tx(REGISTRAR))
    with refused(ErrorCode.FORBIDDEN):
        Admission.grant(scheme, shop, tx(FAKE_OFFICER))
    with refused(ErrorCode.SCHEME_CLOSED):
        Admission.grant(scheme.closed(tx(OFFICER)), shop, tx(OFFICER))
    with refused(ErrorCode.MERCHANT_SUSPENDED):
        Admission.grant(scheme, shop.suspended(tx(REGISTRAR)), tx(OFFICER))


def test_a_liquor_store_is_not_admitted_to_the_kindpakket():
    with refused(ErrorCode.CATEGORY_NOT_ALLOWED):
        Admission.grant(open_scheme(), liquor_store(), tx(OFFICER))


def test_the_merchant_id_is_validated():
    with refused(ErrorCode.INVALID_ARGUMENT):
        Merchant.register("", registration(), tx(REGISTRAR))


def test_a_registration_may_name_the_shops_iban_checked_by_its_check_digits():
    assert parse(MerchantRegistration, registration().model_dump() | {"iban": "NL91ABNA0417164300"}).iban == (
        "NL91ABNA0417164300")
    assert registration().iban is None  # registered before shops had one: still valid


def test_every_registered_shop_is_listed_a_page_at_a_time():
    world = kindpakket.Kindpakket().setup()
    first = world.ok(kindpakket.OFFICER, "list_merchants", 2)
    rest = world.ok(kindpakket.BIKE_SHOP, "list_merchants", 2, first["bookmark"])
    assert [m["id"] for m in first["items"]] == ["fietsenwinkel", "slijterij"] and first["bookmark"]
    assert [m["id"] for m in rest["items"]] == ["sportwinkel"] and rest["bookmark"] == ""
    world.refused(ErrorCode.INVALID_ARGUMENT, kindpakket.OFFICER, "list_merchants", 0)
