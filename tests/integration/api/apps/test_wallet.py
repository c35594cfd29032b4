"""The resident's wallet in headless Chromium against the shared network's Municipality gateway.

An officer issues a budget with an activation letter; the wallet activates from the letter's
typed code (a wrong code first), makes its own key, shows the balance, where to spend and a
payment QR code; the shop pays with the code read from that QR image; the wallet sees the payment
and the code is refused when replayed. Offline, the wallet still opens, shows its last known
balance and a fresh code that the shop accepts later. Two budgets in one wallet have different
keys. Every screen is screenshotted (at a phone's size) and checked with axe-core and for CSP
violations. The codes the wallet's module makes in Chromium are read by the chaincode's own reader."""
from __future__ import annotations

import pytest

from ..budgets_world import letter, open_scheme
from ..commits import synced_with
from ....unit.apps.wallet_codes import MAKE_CODES, read_all
from .conftest import PHONE


@pytest.fixture(scope="module")
def world(shops, launch_browser):
    municipality = shops["Municipality"]
    officer, bike = municipality.client("officer"), shops["Merchants"].client("fietsenwinkel")
    wallet = launch_browser(municipality)
    wallet.driver.set_window_size(*PHONE)
    return officer, bike, open_scheme(officer, bike), wallet


def home(wallet, language: str = "nl") -> None:
    wallet.open(f"/wallet/?lang={language}#")
    wallet.visible("#home-heading")


def activate(wallet, issued: dict, label: str, code: str | None = None) -> None:
    home(wallet)
    wallet.element("#add-budget").click()
    wallet.visible("#activate-form")
    wallet.element("#budget-number").send_keys(issued["budget"]["id"])
    wallet.element("#activation-code").send_keys(code or issued["typed"].lower())
    wallet.element("#budget-label").send_keys(label)
    wallet.element("#activate-submit").click()


def test_codes_made_in_chromium_are_read_by_the_chaincode(world):
    *_, wallet = world
    home(wallet)
    made = wallet.driver.execute_async_script(
        MAKE_CODES.read_text() + "const done = arguments[arguments.length - 1];"
        "import('/wallet/static/codes.js').then((codes) => makeWalletCodes(codes, 8, 300)).then(done,"
        " (failure) => done(String(failure)));")
    assert isinstance(made, list), made
    lengths = read_all(made)
    assert 33 in lengths and 32 in lengths and min(lengths) < 32, lengths


def test_a_parent_activates_the_letter_pays_and_sees_the_payment(world):
    officer, bike, scheme, wallet = world
    issued = letter(officer, bike, scheme)
    budget_id = issued["budget"]["id"]
    wallet.driver.execute_script("indexedDB.deleteDatabase('grootboek-wallet')")
    home(wallet)
    wallet.visible("#no-budgets")
    wallet.check_page("wallet-home-empty")

    activate(wallet, issued, "Sam", code="0000-0000-0000-0000-0000")
    wallet.text_of("#activate-error", "klopt niet")
    wallet.check_page("wallet-activate-wrong-code")
    activate(wallet, issued, "Sam")
    wallet.text_of("#budget-heading", "Sam")
    wallet.text_of("#budget-balance", "250,00")
    synced_with(bike, officer, "kindpakket")  # the shop's peer endorses the payment below first
    wallet.text_of("#places", "fietsenwinkel")
    wallet.check_page("wallet-budget")

    wallet.element("#pay-budget").click()
    wallet.visible("#pay-qr")
    wallet.check_page("wallet-pay")
    code = wallet.element("#pay-qr").get_attribute("data-code")
    # What a till's camera would read: the QR image itself, decoded with jsQR in the page.
    decoded = wallet.driver.execute_script(
        "const image = document.getElementById('pay-qr'); const canvas = document.createElement('canvas');"
        "canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;"
        "const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);"
        "return jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width,"
        " canvas.height).data;")
    assert decoded == code
    paid = bike.post("/v1/budgets/payments", {"amount": 4_500, "category": "bicycles", "code": decoded})
    assert (paid.status_code, paid.json()["budget_id"]) == (201, budget_id), paid.text
    wallet.text_of("#pay-paid", "45,00")
    assert "205,00" in wallet.element("#pay-paid").text
    wallet.wait(lambda _: wallet.element("#pay-qr").get_attribute("data-code") != code, "no new code after paying")
    wallet.check_page("wallet-pay-paid")
    replayed = bike.post("/v1/budgets/payments", {"amount": 100, "category": "bicycles", "code": code})
    assert (replayed.status_code, replayed.json()["code"]) == (409, "CODE_REPLAYED"), replayed.text

    wallet.open(f"/wallet/#budget/{budget_id}")
    wallet.text_of("#history", "Betaald bij fietsenwinkel")
    assert "45,00" in wallet.element("#by-category").text
    wallet.check_page("wallet-budget-after-payment")

    # Offline: the page's requests fail (DevTools' offline mode, which does not reach the service
    # worker's own fetches, so the worker's cache is checked directly); the balance comes from the
    # phone, the code is signed on it.
    wallet.wait(lambda driver: driver.execute_script(
        "return navigator.serviceWorker.controller !== null"), "the service worker never took control")
    cached = wallet.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all(['/wallet/', '/wallet/static/wallet.js', '/wallet/static/codes.js', '/web/static/web.js',"
        " '/web/static/vendor/qrcode.js'].map((url) => caches.match(url).then((hit) => hit && hit.ok)))"
        ".then(done, (failure) => done(String(failure)));")
    assert cached == [True] * 5, cached
    wallet.driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    try:
        wallet.driver.refresh()
        wallet.visible("#offline")
        wallet.text_of("#budget-balance", "205,00")
        wallet.element("#pay-budget").click()
        wallet.visible("#pay-qr")
        offline_code = wallet.element("#pay-qr").get_attribute("data-code")
        wallet.check_page("wallet-pay-offline")
    finally:
        wallet.driver.delete_network_conditions()
    paid = bike.post("/v1/budgets/payments", {"amount": 1_000, "category": "bicycles", "code": offline_code})
    assert paid.status_code == 201, paid.text


def test_siblings_budgets_in_one_wallet_have_their_own_keys(world):
    officer, bike, scheme, wallet = world
    first, second = letter(officer, bike, scheme), letter(officer, bike, scheme)
    for issued, label in ((first, "Ada"), (second, "Bram")):
        activate(wallet, issued, label)
        wallet.text_of("#budget-heading", label)
    home(wallet)
    wallet.text_of("#budget-list", "Bram")
    assert "Ada" in wallet.element("#budget-list").text
    wallet.check_page("wallet-home")
    report = officer.get(f"/v1/budgets/schemes/{scheme}/report", params={"page_size": 100}).json()["items"]
    keys = {budget["id"]: budget["holder_key"] for budget in report}
    assert keys[first["budget"]["id"]] and keys[second["budget"]["id"]]
    assert keys[first["budget"]["id"]] != keys[second["budget"]["id"]]


def test_the_storage_page_and_english(world):
    *_, wallet = world
    home(wallet, "en")
    assert wallet.element("#home-heading").text == "My budgets"
    wallet.element("#show-storage").click()
    wallet.text_of("#storage-heading", "Your budgets on this phone")
    wallet.visible("#storage-kept")
    wallet.check_page("wallet-storage-en")
    home(wallet, "nl")
    assert wallet.element("#home-heading").text == "Mijn budgetten"
