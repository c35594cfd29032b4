"""The till's sign-in screen in headless Chromium against the shared network's Merchants gateway:
it loads under its Content-Security-Policy without a violation, passes axe, switches between Dutch
and English, says clearly when a token is wrong, and a shop's token opens a session whose cookie
scripts cannot read and which sign-out ends."""
from __future__ import annotations

import pytest

from grootboek.api.auth.authenticate import SESSION_COOKIE


@pytest.fixture(scope="module")
def till(gateways, launch_browser):
    return launch_browser(gateways["Merchants"])


def _sign_in_screen(till, language: str = "nl"):
    till.open(f"/till/?lang={language}")
    till.visible("#token")


def test_the_sign_in_screen_loads_under_a_strict_policy(till, gateways):
    response = gateways["Merchants"].client().get("/till/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    _sign_in_screen(till)
    assert till.element("#sign-in-heading").text == "Inloggen"
    assert till.driver.execute_script("return document.documentElement.lang") == "nl"
    till.check_page("till-sign-in")
    assert till.console_errors() == []


def test_the_language_switch_shows_english_and_back(till):
    _sign_in_screen(till)
    till.element('a[hreflang="en"]').click()
    till.text_of("#sign-in-heading", "Sign in")
    assert till.driver.execute_script("return document.documentElement.lang") == "en"
    till.check_page("till-sign-in-en")
    till.open("/till/")  # the choice is remembered
    till.text_of("#sign-in-heading", "Sign in")
    till.element('a[hreflang="nl"]').click()
    till.text_of("#sign-in-heading", "Inloggen")


def test_a_wrong_token_gets_a_clear_error(till):
    _sign_in_screen(till)
    till.element("#token").send_keys("gbk_not-a-real-token")
    till.element("#sign-in-submit").click()
    message = till.text_of("#sign-in-error", "onbekend")
    assert message.startswith("Deze sleutel is onbekend, verlopen of ingetrokken")
    assert till.element("#token").get_attribute("aria-invalid") == "true"
    assert till.element("#token").get_attribute("value") == ""  # the token does not stay in the page
    till.check_page("till-sign-in-wrong-token")


def test_a_shop_signs_in_to_a_session_and_out(till, gateways):
    _sign_in_screen(till)
    till.element("#token").send_keys(gateways["Merchants"].tokens["fietsenwinkel"])
    till.element("#sign-in-submit").click()
    till.text_of("#signed-in-as", "Ingelogd als fietsenwinkel")
    cookie = till.driver.get_cookie(SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert SESSION_COOKIE not in till.driver.execute_script("return document.cookie")
    till.check_page("till-signed-in")
    till.open("/till/")  # the session outlives the page
    till.text_of("#signed-in-as", "fietsenwinkel")
    till.element("#sign-out").click()
    till.visible("#token")
    assert till.driver.get_cookie(SESSION_COOKIE) is None
    till.open("/till/")
    till.visible("#token")


def test_the_page_checks_catch_an_unlabelled_field_and_an_inline_script(till):
    """The checks above can fail: a field without a label and an inline script are caught."""
    _sign_in_screen(till)
    till.driver.execute_script("const field = document.createElement('input'); field.id = 'unlabelled';"
                               "document.querySelector('main').append(field);"
                               "const inline = document.createElement('script'); inline.textContent = '1';"
                               "document.body.append(inline);")
    till.wait(lambda driver: till.csp_violations(), "the inline script was not reported")
    with pytest.raises(AssertionError, match="CSP violations"):
        till.check_page("till-harness-csp")
    till.driver.execute_script("window.__cspViolations = [];")
    with pytest.raises(AssertionError, match="accessibility violations") as failure:
        till.check_page("till-harness-axe")
    assert "label" in str(failure.value)
