"""The payment moment as the issue tells it, end to end in two headless Chromiums on the shared
network, each with a camera (Chromium's fake capture device playing a video of a picture):

an officer issues a budget and its activation letter; the wallet scans the letter's QR code and
activates; the wallet shows a payment QR code, and the till's camera reads a screenshot of THAT
code. A code that has expired is refused, and the wallet replaces it by itself; a shop the scheme
does not admit is refused; the shop pays; the wallet sees the payment in its balance and history;
the same QR code shown again is refused. A wallet offline while showing its code still shows it
and makes a new one when it expires, which the till pays.

The wallet's clock is moved in the page (Date.now): a code expires five minutes after the phone
made it, and a phone whose clock says six minutes earlier has made one that expired a minute ago
by the ledger's clock."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from ..budgets_world import letter, open_scheme
from ..commits import synced_with
from .camera import camera_flags, qr_matrix, screenshot_pixels, write_y4m
from .conftest import PHONE, sign_in

SHOP, NOT_ADMITTED = "fietsenwinkel", "sportwinkel"
SIX_MINUTES = 6 * 60_000
"""Past the wallet's five-minute codes (milliseconds)."""

EXPIRED = "Deze betaalcode is verlopen. Vraag de klant om een nieuwe code."
NOT_ADMITTED_REASON = "Deze winkel is niet toegelaten tot de regeling van dit budget."
REPLAYED = "Deze betaalcode is al gebruikt. Vraag de klant om een nieuwe code."


@pytest.fixture(scope="module")
def story(shops, launch_browser, tmp_path_factory):
    """A scheme admitting only the bicycle shop, its letter, and a phone and a till with cameras."""
    officer = shops["Municipality"].client("officer")
    bike = shops["Merchants"].client(SHOP)
    scheme = open_scheme(officer, bike, admitted=(SHOP,))
    cameras = tmp_path_factory.mktemp("cameras")
    phone_camera, till_camera = write_y4m(cameras / "phone.y4m", []), write_y4m(cameras / "till.y4m", [])
    wallet = launch_browser(shops["Municipality"], *camera_flags(phone_camera))
    wallet.driver.set_window_size(*PHONE)
    till = launch_browser(shops["Merchants"], *camera_flags(till_camera))
    till.open("/till/")
    sign_in(till, shops["Merchants"].tokens[SHOP])
    return SimpleNamespace(officer=officer, bike=bike, scheme=scheme, letter=letter(officer, bike, scheme),
                           wallet=wallet, phone_camera=phone_camera, till=till, till_camera=till_camera,
                           tokens=shops["Merchants"].tokens)


def set_phone_clock(wallet, shift_ms: int) -> None:
    """The wallet page's clock, `shift_ms` from the real one (until the page is loaded anew)."""
    wallet.driver.execute_script("if (!Date.realNow) Date.realNow = Date.now;"
                                 "const shift = arguments[0]; Date.now = () => Date.realNow() + shift;", shift_ms)


def shown_code(wallet, other_than: str | None = None) -> str:
    """The payment code the wallet's QR image stands for (once it is not `other_than`)."""
    return wallet.wait(lambda _: (lambda code: code if code and code != other_than else None)(
        wallet.visible("#pay-qr").get_attribute("data-code")), f"the wallet never showed a code other than {other_than}")


def till_reads_the_phone(story) -> str:
    """The till's camera pointed at the wallet's QR code: what it read into the code field."""
    write_y4m(story.till_camera, screenshot_pixels(story.wallet, story.wallet.visible("#pay-qr")))
    till = story.till
    till.open("/till/")
    till.visible("#camera-start").click()
    till.text_of("#camera-status", "gelezen")
    return till.element("#code").get_attribute("value")


def till_pays(story, amount: str) -> str:
    """Pays the code the till read; the outcome's heading."""
    story.till.element("#amount").send_keys(amount)
    story.till.element("#pay-submit").click()
    return story.till.visible("#result-heading").text


def refusal(story) -> str:
    assert story.till.element("#result").get_attribute("data-outcome") == "refused"
    return story.till.element("#result-reason").text


def switch_shop(story, shop: str) -> None:
    story.till.element("#sign-out").click()
    sign_in(story.till, story.tokens[shop])


@pytest.fixture(scope="module")
def activated(story) -> str:
    """The letter's budget on the phone, activated by scanning the letter's QR code; its id."""
    wallet, issued = story.wallet, story.letter
    write_y4m(story.phone_camera, qr_matrix(wallet, issued["qr"]))
    wallet.open("/wallet/#activate")
    wallet.visible("#activate-form")
    wallet.element("#scan-letter").click()
    wallet.text_of("#scan-status", "Brief gescand")
    assert wallet.element("#budget-number").get_attribute("value") == issued["budget"]["id"]
    wallet.check_page("wallet-activate-scanned")
    wallet.element("#budget-label").send_keys("Noor")
    wallet.element("#activate-submit").click()
    wallet.text_of("#budget-heading", "Noor")
    wallet.text_of("#budget-balance", "250,00")
    synced_with(story.bike, story.officer, "kindpakket")  # the shop's peer endorses its payments first
    return issued["budget"]["id"]


def test_the_wallet_scans_its_letter_and_the_till_scans_the_wallet(story, activated):
    wallet, till = story.wallet, story.till
    set_phone_clock(wallet, -SIX_MINUTES)
    wallet.element("#pay-budget").click()
    expired = shown_code(wallet)
    assert till_reads_the_phone(story) == expired
    assert till_pays(story, "4,50") == "Geweigerd"
    assert refusal(story) == EXPIRED

    set_phone_clock(wallet, 0)  # the phone's clock is right again: the code on its screen has expired
    code = shown_code(wallet, other_than=expired)

    switch_shop(story, NOT_ADMITTED)
    assert till_reads_the_phone(story) == code
    assert till_pays(story, "4,50") == "Geweigerd"
    assert refusal(story) == NOT_ADMITTED_REASON
    till.check_page("story-till-not-admitted")
    switch_shop(story, SHOP)

    assert till_reads_the_phone(story) == code
    till.check_page("story-till-camera-read")
    assert till_pays(story, "4,50") == "Betaald"
    assert till.element("#result-amount").text == "€ 4,50"
    wallet.text_of("#pay-paid", "4,50")
    assert "245,50" in wallet.element("#pay-paid").text
    shown_code(wallet, other_than=code)  # a used code is replaced at once
    wallet.check_page("story-wallet-paid")

    # The same QR code shown again (a screenshot of it, say) is refused.
    till.open("/till/")
    till.visible("#camera-start").click()
    till.text_of("#camera-status", "gelezen")
    assert till.element("#code").get_attribute("value") == code
    assert till_pays(story, "4,50") == "Geweigerd"
    assert refusal(story) == REPLAYED

    wallet.open(f"/wallet/#budget/{activated}")
    wallet.text_of("#budget-balance", "245,50")
    wallet.text_of("#history", "Betaald bij fietsenwinkel")
    assert "4,50" in wallet.element("#history").text


def test_a_wallet_offline_while_showing_its_code_renews_it_and_the_till_pays_it(story, activated):
    wallet = story.wallet
    wallet.open(f"/wallet/#pay/{activated}")
    first = shown_code(wallet)
    wallet.driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
    try:
        wallet.visible("#offline")  # its watch for payments found no network
        set_phone_clock(wallet, SIX_MINUTES)
        renewed = shown_code(wallet, other_than=first)
        wallet.check_page("story-wallet-offline-renewed")
        assert till_reads_the_phone(story) == renewed
        assert till_pays(story, "1,00") == "Betaald"
    finally:
        wallet.driver.delete_network_conditions()
    wallet.text_of("#pay-paid", "1,00")  # online again, the wallet sees what was paid meanwhile
    assert wallet.element("#offline").get_attribute("hidden") is not None
