"""The payment moment in browsers: from the till's "pay" to its paid screen, and to the wallet
showing the new balance, p50 / p95 over `--payments` payments on the default network (the default
consortium with three Raft orderers, the gateways `up` runs, in a temporary directory), beside
the same payment posted to the same gateway directly (the REST API's share) from the same run.

Two headless Chromiums, driven as the browser tests drive them (tests/integration/api/apps/): the
till, with the shop signed in, and a phone showing the payment code of a budget it activated
from its letter. For each payment the till is given the code the phone shows (pasted, as a USB
scanner types it: how long a camera takes to read a code is the shop's time, not the system's)
and its pay button is clicked inside the page. Both ends are taken in the pages with Date.now()
(one machine, one clock): the till's result saying paid, and the wallet's paid notice changing.
The wallet learns of a payment by reading its balance every WATCH_SECONDS (wallet.js), so its
figure is mostly that interval. Baseline payments alternate with the browsers' ones: a cent
posted as the shop with a code signed in Python, timed around the request.

    python -m bench.apps                    # about five minutes with bring-up
    python -m bench.apps --payments 20
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from selenium.webdriver.support.ui import WebDriverWait

from bench import report
from bench.client import percentile
from bench.rest_gateway import SHOP, RestError, rest_payments, shop_network
from tests.integration.api.apps.conftest import PHONE, start_browser, sign_in
from tests.integration.api.apps.test_wallet import activate
from tests.integration.api.budgets_world import letter
from tests.integration.api.conftest import Gateway

COLUMNS = ["path", "payments", "p50_ms", "p95_ms", "errors"]
WAIT_SECONDS = 30
POLL_SECONDS = 0.02  # how often Python looks whether the wallet has noticed; its Date.now() is what counts

# Clicks pay and answers when the till's result is shown: when the click and the result happened.
PAY_IN_TILL = """
const done = arguments[arguments.length - 1];
const result = document.getElementById("result");
const observer = new MutationObserver(() => {
  if (result.hidden || !result.dataset.outcome) return;
  observer.disconnect();
  done({clicked, shown: Date.now(), outcome: result.dataset.outcome,
        reason: document.getElementById("result-reason").textContent});
});
observer.observe(result, {attributes: true});
const clicked = Date.now();
document.getElementById("pay-submit").click();
"""

# From now on, when the wallet's paid notice last changed (window.__paidAt).
WATCH_WALLET = """
window.__paidAt = null;
if (!window.__paidWatch) {
  window.__paidWatch = new MutationObserver(() => { window.__paidAt = Date.now(); });
  window.__paidWatch.observe(document.getElementById("pay-paid"), {childList: true, characterData: true, subtree: true});
}
"""


def phone_with_budget(municipality: Gateway, shop: Gateway, scheme: str, profile: Path):
    """A phone's Chromium with a budget activated from a new letter, showing its payment code."""
    municipality.admin("user", "add", "officer", "--msp-dir", str(municipality.users_dir / "officer" / "msp"))
    municipality.issue_token("officer")
    municipality.admin("user", "add", "wallet", "--msp-dir", str(municipality.users_dir / "wallet" / "msp"),
                       "--role", "wallet")
    issued = letter(municipality.client("officer"), shop.client(SHOP), scheme)
    phone = start_browser(municipality, profile)
    phone.driver.set_window_size(*PHONE)
    activate(phone, issued, "bench")
    phone.visible("#pay-budget").click()
    phone.visible("#pay-qr")
    return phone


def next_code(phone, used: str | None) -> str:
    return phone.wait(lambda _: (lambda code: code if code and code != used else None)(
        phone.element("#pay-qr").get_attribute("data-code")), "the wallet showed no new code")


def browser_payment(till, phone, code: str) -> dict:
    """One payment from the phone's code at the till; the till's and the wallet's times (ms)."""
    till.driver.execute_script("const field = document.getElementById('code'); field.value = arguments[0];"
                               "field.dispatchEvent(new Event('input', {bubbles: true}));", code)
    till.element("#amount").send_keys("0,01")
    phone.driver.execute_script(WATCH_WALLET)
    paid = till.driver.execute_async_script(PAY_IN_TILL)
    if paid["outcome"] != "paid":
        return {"error": paid["reason"]}
    seen = WebDriverWait(phone.driver, WAIT_SECONDS, poll_frequency=POLL_SECONDS).until(
        lambda driver: driver.execute_script("return window.__paidAt"), "the wallet never showed the payment")
    till.element("#next").click()
    return {"till_ms": paid["shown"] - paid["clicked"], "wallet_ms": seen - paid["clicked"]}


def rest_payment(pay, holder) -> dict:
    begun = time.monotonic()
    try:
        pay(holder)
    except RestError as exc:
        return {"error": str(exc)}
    return {"rest_ms": (time.monotonic() - begun) * 1000}


def row(path: str, outcomes: list[dict], key: str) -> dict:
    times = [o[key] for o in outcomes if key in o]
    return {"path": path, "payments": len(times), "p50_ms": percentile(times, 0.50),
            "p95_ms": percentile(times, 0.95), "errors": len(outcomes) - len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=100, help="payments in the browsers, and as many directly")
    args = parser.parse_args()
    browsers, direct = [], []
    with tempfile.TemporaryDirectory(prefix="grootboek-bench-apps-") as profiles, \
            shop_network(1) as (network, shop, _, (holder,)):
        municipality = Gateway.of(network, "Municipality")
        phone = phone_with_budget(municipality, shop, holder.scheme, Path(profiles) / "phone")
        till = start_browser(shop, Path(profiles) / "till")
        try:
            till.open("/till/")
            sign_in(till, shop.tokens[SHOP])
            till.visible("#code")
            pay_directly = rest_payments(shop.client(SHOP))
            code = None
            for _ in range(args.payments):
                code = next_code(phone, code)
                browsers.append(browser_payment(till, phone, code))
                direct.append(rest_payment(pay_directly, holder))
        finally:
            phone.driver.quit()
            till.driver.quit()
    rows = [row("till: pay to paid screen", browsers, "till_ms"),
            row("wallet: pay to new balance", browsers, "wallet_ms"),
            row("baseline: POST /v1/budgets/payments", direct, "rest_ms")]
    print(report.table(rows, COLUMNS))
    print("till and wallet from the click on the till's pay button (Date.now() in the pages); the wallet "
          "reads its balance every 2 s; baseline: the same payment posted to the same gateway from Python")
    for outcome in [o for o in browsers + direct if "error" in o][:3]:
        print(f"error: {outcome['error']}")
    print(f"saved {report.save('apps', {'rows': rows, 'payments': args.payments})}")


if __name__ == "__main__":
    main()
