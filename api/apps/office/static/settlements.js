// The back office's shops and settlements: every registered shop (with its IBAN and whether it is
// suspended); settling the open receivables of one shop or of every shop a scheme admits, each with
// a bank reference; the SEPA transfer file (pain.001) for the settlements just made, which the
// gateway builds and checks; and the settlements' status, paid or confirmed by the shop.
"use strict";
(function () {
  const G = window.Grootboek;
  const { explain, cell } = window.Office;
  const $ = (id) => document.getElementById(id);
  const lang = document.documentElement.lang;
  const money = new Intl.NumberFormat(lang === "en" ? "en-IE" : "nl-NL", { style: "currency", currency: "EUR" });
  const when = new Intl.DateTimeFormat(lang, { dateStyle: "short", timeStyle: "short" });
  const NOT_SEPA = /[^A-Za-z0-9/?:().,'+ -]/g; // SEPA's character set for references
  let merchantsBookmark = "";
  let madeNow = [];  // the ids of the settlements made by the last run, for the transfer file

  function say(text, error) {
    $("settle-status").textContent = error ? "" : text;
    $("settle-error").textContent = error ? text : "";
  }

  // -- every registered shop

  async function loadMerchants(more) {
    const query = new URLSearchParams({ page_size: "100" });
    if (more) query.set("bookmark", merchantsBookmark);
    const answer = await G.call("GET", "/v1/budgets/merchants?" + query);
    if (!answer.ok) {
      $("merchants-error").textContent = explain(answer.body);
      return;
    }
    const lines = $("merchants-lines");
    if (!more) lines.replaceChildren();
    for (const shop of answer.body.items) {
      const row = document.createElement("tr");
      row.dataset.merchant = shop.id;
      cell(row, shop.id);
      cell(row, shop.registration.name);
      cell(row, shop.registration.kvk);
      cell(row, shop.registration.categories.join(", "));
      cell(row, G.t("office.shops.state." + shop.status));
      cell(row, shop.registration.iban || G.t("office.merchants.no_iban"));
      lines.append(row);
    }
    merchantsBookmark = answer.body.bookmark;
    $("merchants-table").hidden = lines.children.length === 0;
    $("merchants-more").hidden = !merchantsBookmark;
    $("merchants-error").textContent = "";
  }

  document.querySelector('.tab[data-tab="merchants"]').addEventListener("click", () => loadMerchants(false));
  $("merchants-more").addEventListener("click", () => loadMerchants(true));

  // -- settling

  function quantity(settlement) {
    return settlement.amount_cents === null ? `${settlement.quantity} ${settlement.unit.name}`
      : money.format(settlement.amount_cents / 100);
  }

  async function listSettlements(schemeId) {
    const query = schemeId ? "?" + new URLSearchParams({ scheme_id: schemeId }) : "";
    const answer = await G.call("GET", "settlements" + query);
    if (!answer.ok) {
      say(explain(answer.body), true);
      return;
    }
    const lines = $("settlements-lines");
    lines.replaceChildren();
    for (const settlement of answer.body.settlements) {
      const row = document.createElement("tr");
      row.dataset.settlement = settlement.id;
      row.dataset.status = settlement.status;
      cell(row, settlement.merchant_id);
      cell(row, quantity(settlement));
      cell(row, settlement.bank_reference);
      cell(row, when.format(new Date(settlement.settled_at)));
      cell(row, G.t("office.settle.status." + settlement.status) +
                (settlement.confirmed_at ? " " + when.format(new Date(settlement.confirmed_at)) : ""));
      lines.append(row);
    }
    $("settlements-table").hidden = lines.children.length === 0;
  }

  // The shops to settle: the one named, or every shop the scheme admits.
  async function shopsToSettle(schemeId, shop) {
    if (shop) return [shop];
    const answer = await G.call("GET", "/v1/budgets/schemes/" + encodeURIComponent(schemeId) + "/places");
    if (!answer.ok) throw new Error(explain(answer.body));
    return answer.body.places.map((place) => place.merchant_id);
  }

  $("settle-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const schemeId = $("settle-scheme").value.trim();
    const reference = $("settle-reference").value.trim();
    const missing = [!schemeId && G.t("office.scheme.id"), !reference && G.t("office.settle.reference")].filter(Boolean);
    if (missing.length) {
      say(G.t("office.missing", { fields: missing.join(", ") }), true);
      return;
    }
    $("settle-run").disabled = true;
    try {
      const shops = await shopsToSettle(schemeId, $("settle-shop").value.trim());
      const outcomes = { settled: 0, nothing: 0, failed: [] };
      madeNow = [];
      for (const shop of shops) {
        const bankReference = `${reference} ${shop}`.replace(NOT_SEPA, "-").slice(0, 64);
        const answer = await G.call("POST", "/v1/budgets/settlements",
                                    { scheme_id: schemeId, merchant_id: shop, bank_reference: bankReference });
        if (answer.ok) {
          outcomes.settled += 1;
          madeNow.push(answer.body.id);
        } else if (answer.body && answer.body.code === "NOTHING_TO_SETTLE") {
          outcomes.nothing += 1;
        } else {
          outcomes.failed.push(`${shop}: ${explain(answer.body)}`);
        }
      }
      say(G.t("office.settle.done", { settled: outcomes.settled, nothing: outcomes.nothing }));
      if (outcomes.failed.length) $("settle-error").textContent = outcomes.failed.join(" ");
      showTransfer();
      await listSettlements(schemeId);
    } catch (failure) {
      say(failure.message, true);
    } finally {
      $("settle-run").disabled = false;
    }
  });

  $("settle-list").addEventListener("click", () => listSettlements($("settle-scheme").value.trim()));

  // -- the transfer file for the settlements just made

  function showTransfer() {
    $("transfer").hidden = madeNow.length === 0;
    $("transfer-file").hidden = true;
    $("transfer-intro").textContent = G.t("office.transfer.intro", { count: madeNow.length });
  }

  $("transfer-make").addEventListener("click", async () => {
    const body = { settlement_ids: madeNow };
    if ($("transfer-date").value) body.execution_date = $("transfer-date").value;
    $("transfer-make").disabled = true;
    const answer = await G.call("POST", "settlements/transfer-file", body, { Accept: "application/xml" });
    $("transfer-make").disabled = false;
    if (!answer.ok) {
      say(explain(answer.body), true);
      return;
    }
    const link = $("transfer-file");
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([answer.text], { type: "application/xml" }));
    link.download = `pain001-${new Date().toISOString().slice(0, 10)}.xml`;
    link.hidden = false;
    say(G.t("office.transfer.made", { count: madeNow.length }));
    link.focus();
  });
})();
