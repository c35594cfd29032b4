"""Where a budget can be spent, as a resident's wallet reads it: the scheme's categories and
limits, and its admitted shops that are active, without their KvK number or certificate."""
from grootboek.chaincode.budgets.domain.errors import ErrorCode

from .kindpakket import CLERK, REGISTRAR, SCHEME, Kindpakket


def test_the_admitted_active_shops_with_the_scheme_s_categories_they_sell():
    world = Kindpakket().setup()
    places = world.ok(CLERK, "spending_places", SCHEME)
    assert (places["categories"], places["category_caps"], places["max_per_payment"]) == (
        ["bicycles", "sports", "clothing", "school-supplies", "culture"], {"clothing": 10_000}, 20_000)
    assert places["places"] == [
        {"merchant_id": "fietsenwinkel", "name": "Fietsenwinkel", "categories": ["bicycles"]},
        {"merchant_id": "sportwinkel", "name": "Sportwinkel", "categories": ["sports", "clothing"]}]
    assert "12345678" not in str(places) and "x509" not in str(places)

    world.ok(REGISTRAR, "suspend_merchant", "sportwinkel")
    assert [p["merchant_id"] for p in world.ok(CLERK, "spending_places", SCHEME)["places"]] == ["fietsenwinkel"]


def test_an_unknown_scheme_is_not_found():
    Kindpakket().setup().refused(ErrorCode.NOT_FOUND, CLERK, "spending_places", "no-such-scheme")
