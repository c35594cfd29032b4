"""The till in headless Chromium against the shared network, as a shop uses it: a code pasted or
typed by a USB scanner is checked and paid, with a large outcome; payments made elsewhere and
refunds reach today's list over the event stream (session cookie, no token in the URL); replayed
and expired codes and a shop the scheme does not admit are refused in plain Dutch; a payout is
confirmed from the statement; and the camera reads a phone's QR code (Chromium's fake capture
device playing a video of it). Every screen passes axe and is saved as a screenshot."""
from __future__ import annotations

import secrets
from types import SimpleNamespace

import pytest
from selenium.webdriver.common.keys import Keys

from ..budgets_world import Holder, open_scheme
from ..commits import committed_on
from .camera import camera_flags, qr_matrix, write_y4m
from .conftest import sign_in

SHOP = "fietsenwinkel"


@pytest.fixture(scope="module")
def world(shops):
    officer = shops["Municipality"].client("officer")
    shop = shops["Merchants"].client(SHOP)
    scheme = open_scheme(officer, shop)
    return SimpleNamespace(officer=officer, shop=shop, scheme=scheme, holder=Holder(officer, scheme, shop))


@pytest.fixture(scope="module")
def till(shops, launch_browser):
    browser = launch_browser(shops["Merchants"])
    browser.open("/till/")
    sign_in(browser, shops["Merchants"].tokens[SHOP])
    return browser


def fresh(till) -> None:
    """The till's empty payment screen, live on the event stream."""
    till.open("/till/")
    till.visible("#code")
    till.text_of("#live", "live bijgewerkt")


def paste(till, code: str) -> None:
    """What pasting leaves: the whole code in the field at once."""
    till.driver.execute_script("const field = document.getElementById('code'); field.value = arguments[0];"
                               "field.dispatchEvent(new Event('input', {bubbles: true}));", code)


def pay_in_till(till, code: str, amount: str) -> str:
    """Pastes, enters and pays; the outcome's heading."""
    paste(till, code)
    till.element("#amount").send_keys(amount)
    till.element("#pay-submit").click()
    return till.visible("#result-heading").text


def pay_elsewhere(world, amount: int) -> dict:
    response = world.shop.post("/v1/budgets/payments", {"amount": amount, "category": "bicycles",
                                                        "code": world.holder.code()})
    assert response.status_code == 201, response.text
    return response.json()


def line(till, payment_id: str):
    return till.wait(lambda driver: driver.find_elements("css selector", f'#today-list li[data-id="{payment_id}"]'),
                     f"payment {payment_id} never appeared in today's list")[0]


def test_a_pasted_code_is_checked_then_paid(till, world):
    fresh(till)
    till.check_page("till-ready")
    assert till.element("#category").get_attribute("value") == "bicycles"  # the shop's only category
    paste(till, world.holder.code())
    till.element("#amount").send_keys("12,50")
    till.element("#check").click()
    assert till.text_of("#check-result", "Past:") == "Past: € 12,50 kan met deze code betaald worden."
    till.check_page("till-checked")
    till.element("#pay-submit").click()
    till.text_of("#result-heading", "Betaald")
    assert till.element("#result").get_attribute("data-outcome") == "paid"
    assert till.element("#result-amount").text == "€ 12,50"
    till.check_page("till-paid")
    newest = world.shop.get(f"/v1/budgets/merchants/{SHOP}/statement", params={"newest_first": "true",
                                                                             "page_size": 1}).json()["items"][0]
    assert newest["kind"] == "payment" and newest["amount"] == 1250
    assert "12,50" in line(till, newest["id"]).text
    till.element("#next").click()
    assert till.visible("#code").get_attribute("value") == ""


def test_a_payment_made_elsewhere_arrives_over_the_event_stream(till, world):
    fresh(till)
    payment = pay_elsewhere(world, 725)  # by the shop's other till: this page did not make it
    assert "7,25" in line(till, payment["id"]).text
    till.check_page("till-today")


def test_a_usb_scanner_types_the_code_and_enter_checks_it(till, world):
    fresh(till)
    till.element("#amount").send_keys("3,00")
    till.element("#code").send_keys(world.holder.code() + Keys.ENTER)
    till.text_of("#check-result", "Past: € 3,00")


@pytest.mark.parametrize("case, reason", [
    ("replayed", "Deze betaalcode is al gebruikt. Vraag de klant om een nieuwe code."),
    ("expired", "Deze betaalcode is verlopen. Vraag de klant om een nieuwe code."),
    ("not admitted", "Deze winkel is niet toegelaten tot de regeling van dit budget."),
])
def test_a_refused_code_says_why_in_dutch(till, world, case, reason):
    if case == "replayed":
        code = world.holder.code()
        assert world.shop.post("/v1/budgets/payments", {"amount": 100, "category": "bicycles",
                                                        "code": code}).status_code == 201
    elif case == "expired":
        code = world.holder.code(minutes=-1)
    else:
        elsewhere = open_scheme(world.officer, world.shop, admitted=("sportwinkel",))
        code = Holder(world.officer, elsewhere, world.shop).code()
    fresh(till)
    assert pay_in_till(till, code, "5,00") == "Geweigerd"
    assert till.element("#result").get_attribute("data-outcome") == "refused"
    assert till.element("#result-reason").text == reason
    assert till.element("#retry").get_attribute("hidden") is not None  # the same code cannot succeed
    till.check_page(f"till-refused-{case.replace(' ', '-')}")


def test_a_refund_is_taken_and_arrives_over_the_event_stream(till, world):
    fresh(till)
    payment = pay_elsewhere(world, 500)
    line(till, payment["id"]).find_element("css selector", "button").click()
    assert till.visible("#refund-amount").get_attribute("value") == "5,00"
    till.check_page("till-refund")
    refunds = len(till.driver.find_elements("css selector", '#today-list li[data-kind="refund"]'))
    till.element("#refund-amount").clear()
    till.element("#refund-amount").send_keys("2,00")
    till.element("#refund-submit").click()
    till.text_of("#live", "€ 2,00 is teruggeboekt")
    till.wait(lambda driver: len(driver.find_elements("css selector", '#today-list li[data-kind="refund"]'))
              > refunds, "the refund never arrived over the event stream")
    assert world.shop.get(f"/v1/budgets/payments/{payment['id']}").json()["refunded"] == 200


def test_a_payout_is_confirmed_from_the_statement(till, world):
    pay_elsewhere(world, 900)
    reference = f"TILL-{secrets.token_hex(4)}"
    settled = world.officer.post("/v1/budgets/settlements", {"scheme_id": world.scheme, "merchant_id": SHOP,
                                                             "bank_reference": reference})
    assert settled.status_code == 201, settled.text
    committed_on(world.shop, "kindpakket", settled)
    fresh(till)
    row = f"//tr[contains(., '{reference}')]"
    confirm = till.wait(lambda driver: driver.find_elements("xpath", row + "//button"),
                        "the payout has no confirm button")[0]
    till.check_page("till-statement")
    confirm.click()
    till.wait(lambda driver: "Ontvangst bevestigd" in driver.find_element("xpath", row).text,
              "the payout was not shown confirmed")
    assert world.shop.get(f"/v1/budgets/settlements/{settled.json()['id']}").json()["status"] == "confirmed"


def test_the_camera_reads_a_payment_qr_code_and_the_till_pays_it(till, world, shops, launch_browser, tmp_path):
    code = world.holder.code()
    video = write_y4m(tmp_path / "qr.y4m", qr_matrix(till, code))
    camera = launch_browser(shops["Merchants"], *camera_flags(video))
    camera.open("/till/")
    sign_in(camera, shops["Merchants"].tokens[SHOP])
    camera.visible("#camera-start").click()
    camera.text_of("#camera-status", "gelezen")
    assert camera.element("#code").get_attribute("value") == code
    camera.check_page("till-camera-read")
    camera.element("#amount").send_keys("4,20")
    camera.element("#pay-submit").click()
    camera.text_of("#result-heading", "Betaald")
    assert camera.element("#result-amount").text == "€ 4,20"
