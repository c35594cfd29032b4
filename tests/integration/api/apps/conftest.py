"""Browser fixtures for the web apps (api/apps/): Debian's headless Chromium, driven by its
chromedriver through Selenium, against the shared network's gateways (tests/integration/api/).

Each browser gets a fresh profile. It trusts exactly the gateway's own TLS key
(--ignore-certificate-errors-spki-list with the gateway certificate's public key hash) instead of
ignoring certificate errors: Chromium on Linux reads CA roots only from a per-user NSS database,
and pinning the one key the test network's gateways present is narrower than adding a CA there.
`check_page` runs axe-core (from the apps' npm lock file) in the page and fails on a serious or
critical violation, and on any Content-Security-Policy violation the page reported; `screenshot`
saves PNGs under tests/results/screens/.
"""
from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[4]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = ROOT / "api" / "apps" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = ROOT / "tests" / "results" / "screens"
WAIT_SECONDS = 30
PHONE = (412, 915)
"""A phone's screen (CSS pixels): the wallet is made for one."""
AXE_SECONDS = 180
"""How long axe may take: a page of 50 printable letters takes it over half a minute on a loaded machine."""
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1280,900")

# Records every CSP violation the page reports, from before its first script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__cspViolations.push(
    event.violatedDirective + " " + event.blockedURI));
"""


def spki_hash(certificate: Path) -> str:
    """Chromium's form of a certificate's key: base64 of the SHA-256 of its SubjectPublicKeyInfo."""
    key = x509.load_pem_x509_certificate(certificate.read_bytes()).public_key()
    return base64.b64encode(hashlib.sha256(key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))
                            .digest()).decode()


class Browser:
    """One Chromium on one gateway: `open(path)`, waits, page checks and screenshots."""

    def __init__(self, driver: WebDriver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def wait(self, condition, message: str = ""):
        """Until `condition(driver)` is truthy (its value), or fail saying `message`. An element the
        page replaced while the condition read it (an app redrawing a list) is asked again."""
        return WebDriverWait(self.driver, WAIT_SECONDS, ignored_exceptions=(NoSuchElementException,
                             StaleElementReferenceException)).until(condition, message)

    def element(self, css: str):
        return self.driver.find_element("css selector", css)

    def visible(self, css: str):
        return self.wait(lambda driver: (lambda found: found if found.is_displayed() else None)(
            driver.find_element("css selector", css)), f"{css} never became visible")

    def text_of(self, css: str, wanted: str) -> str:
        """Waits until the element's text contains `wanted`; the text."""
        return self.wait(lambda driver: (lambda text: text if wanted in text else None)(
            driver.find_element("css selector", css).text), f"{css} never said {wanted!r}")

    def console_errors(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def csp_violations(self) -> list[str]:
        return self.driver.execute_script("return window.__cspViolations || []")

    def check_page(self, name: str) -> None:
        """Screenshot `name`, then fail on any CSP violation or serious/critical axe violation."""
        self.screenshot(name)
        assert self.csp_violations() == [], f"{name}: CSP violations"
        self.driver.execute_script(AXE.read_text())
        violations = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations),"
            " (e) => done([{id: 'axe-failed', impact: 'critical', help: String(e), nodes: []}]));")
        serious = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
                   for v in violations if v["impact"] in {"serious", "critical"}]
        assert serious == [], f"{name}: accessibility violations"

    def screenshot(self, name: str) -> Path:
        SCREENS.mkdir(parents=True, exist_ok=True)
        path = SCREENS / f"{name}.png"
        assert self.driver.save_screenshot(str(path)), f"no screenshot {name}"
        return path


def sign_in(browser: Browser, token: str) -> None:
    """Signs in to the app the browser shows, through its sign-in screen."""
    browser.visible("#token").send_keys(token)
    browser.element("#sign-in-submit").click()
    browser.wait(lambda driver: driver.find_element("css selector", "#sign-in").get_attribute("hidden")
                 is not None, "the sign-in screen stayed")


def start_browser(gateway, profile: Path, *flags: str) -> Browser:
    """A headless Chromium with its profile in the empty directory `profile`, on `gateway` (a
    tests.integration.api.conftest.Gateway), trusting exactly that gateway's TLS key."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, *flags, f"--user-data-dir={profile}",
                 f"--ignore-certificate-errors-spki-list={spki_hash(gateway.ca_file.parent / 'server.crt')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_script_timeout(AXE_SECONDS)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    return Browser(driver, gateway.base_url)


@pytest.fixture(scope="session")
def launch_browser(tmp_path_factory):
    """`launch_browser(gateway, *flags)`: a fresh headless Chromium on that gateway (quit at the end)."""
    started: list[WebDriver] = []

    def launch(gateway, *flags: str) -> Browser:
        browser = start_browser(gateway, tmp_path_factory.mktemp("chromium"), *flags)
        started.append(browser.driver)
        return browser

    yield launch
    for driver in started:
        driver.quit()
