// The back office's personal data: the beneficiary's data of the budget on screen (office.js says
// which with an "office:budget" event), viewed, recorded, purged after a confirmation on the page,
// and exported on the resident's request; and the audit trail that records each of those, filtered
// and downloaded as CSV. The gateway writes the trail; this page only reads it.
"use strict";
(function () {
  const G = window.Grootboek;
  const { explain, cell } = window.Office;
  const $ = (id) => document.getElementById(id);
  const when = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "short", timeStyle: "medium" });
  const PAGE = 50;
  let budgetId = null;
  let oldest = null;  // the id of the last audit entry on screen, for the next page

  function say(text, error) {
    $("personal-status").textContent = error ? "" : text;
    $("personal-error").textContent = error ? text : "";
  }

  function personalPath() {
    return "/v1/budgets/budgets/" + encodeURIComponent(budgetId) + "/personal-data";
  }

  function hideData() {
    $("personal-facts").replaceChildren();
    $("personal-facts").hidden = true;
  }

  document.addEventListener("office:budget", (event) => {
    budgetId = event.detail.budget_id;
    hideData();
    say("");
    $("personal-form").reset();
    $("purge-confirm").hidden = true;
    const base = "residents/" + encodeURIComponent(budgetId) + "?format=";
    for (const format of ["json", "csv"]) {
      $("export-" + format).href = base + format;
      $("export-" + format).download = `resident-${budgetId}.${format}`;
    }
  });

  $("personal-show").addEventListener("click", async () => {
    const answer = await G.call("GET", personalPath());
    hideData();
    if (answer.status === 404 && answer.body && answer.body.code === "NOT_FOUND") {
      say(G.t("office.personal.none", { id: budgetId }));
      return;
    }
    if (!answer.ok) {
      say(explain(answer.body), true);
      return;
    }
    const facts = $("personal-facts");
    for (const field of ["name", "bsn", "address"]) {
      const dt = document.createElement("dt");
      dt.textContent = G.t("office.personal." + field);
      const dd = document.createElement("dd");
      dd.textContent = answer.body[field];
      facts.append(dt, dd);
    }
    facts.hidden = false;
    say(G.t("office.personal.shown"));
  });

  $("personal-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = { name: $("personal-name").value.trim(), bsn: $("personal-bsn").value.trim(),
                   address: $("personal-address").value.trim() };
    const missing = Object.entries(data).filter(([, value]) => !value).map(([field]) => G.t("office.personal." + field));
    for (const field of Object.keys(data)) $("personal-" + field).toggleAttribute("aria-invalid", !data[field]);
    if (missing.length) {
      say(G.t("office.missing", { fields: missing.join(", ") }), true);
      return;
    }
    $("personal-save").disabled = true;
    const answer = await G.call("PUT", personalPath(), data);
    $("personal-save").disabled = false;
    if (!answer.ok) {
      say(explain(answer.body), true);
      return;
    }
    $("personal-form").reset();
    hideData();
    say(G.t("office.personal.recorded", { id: budgetId }));
  });

  $("personal-purge").addEventListener("click", () => {
    $("purge-question").textContent = G.t("office.personal.confirm_purge", { id: budgetId });
    $("purge-confirm").hidden = false;
    $("purge-question").focus();
  });

  $("purge-no").addEventListener("click", () => {
    $("purge-confirm").hidden = true;
    $("personal-purge").focus();
  });

  $("purge-yes").addEventListener("click", async () => {
    $("purge-yes").disabled = true;
    const answer = await G.call("DELETE", personalPath());
    $("purge-yes").disabled = false;
    $("purge-confirm").hidden = true;
    if (!answer.ok) {
      say(explain(answer.body), true);
      return;
    }
    hideData();
    say(G.t("office.personal.purged", { id: budgetId }));
  });

  // -- the audit trail

  function filters() {
    const chosen = new URLSearchParams();
    for (const [name, id] of [["user", "audit-user"], ["action", "audit-action"], ["budget_id", "audit-budget"],
                              ["scheme_id", "audit-scheme"], ["since", "audit-since"], ["until", "audit-until"]]) {
      const value = $(id).value.trim();
      if (value) chosen.set(name, value);
    }
    return chosen;
  }

  function showCsvLink() {
    const chosen = filters();
    chosen.set("format", "csv");
    $("audit-csv").href = "audit?" + chosen;
  }

  function actionName(action) {
    const key = "office.action." + action;
    const label = G.t(key);
    return label === key ? action : label;
  }

  async function loadAudit(more) {
    const chosen = filters();
    chosen.set("limit", String(PAGE));
    if (more) chosen.set("before", String(oldest));
    const answer = await G.call("GET", "audit?" + chosen);
    if (!answer.ok) {
      $("audit-status").textContent = "";
      $("audit-error").textContent = explain(answer.body);
      return;
    }
    const entries = answer.body.entries;
    const lines = $("audit-lines");
    if (!more) lines.replaceChildren();
    for (const entry of entries) {
      const row = document.createElement("tr");
      row.dataset.action = entry.action;
      row.dataset.budget = entry.budget_id || "";
      cell(row, when.format(new Date(entry.at * 1000)));
      cell(row, entry.user);
      cell(row, actionName(entry.action));
      cell(row, [entry.budget_id, entry.scheme_id, entry.merchant_id].filter(Boolean).join(", "));
      cell(row, entry.outcome === "ok" ? G.t("office.audit.ok") : `${entry.status} ${entry.outcome}`);
      lines.append(row);
    }
    if (entries.length) oldest = entries[entries.length - 1].id;
    $("audit-table").hidden = lines.children.length === 0;
    $("audit-more").hidden = entries.length < PAGE;
    $("audit-error").textContent = "";
    $("audit-status").textContent = G.t("office.audit.found", { count: lines.children.length });
  }

  $("audit-form").addEventListener("input", showCsvLink);
  $("audit-form").addEventListener("submit", (event) => {
    event.preventDefault();
    showCsvLink();
    loadAudit(false);
  });
  $("audit-more").addEventListener("click", () => loadAudit(true));
  document.querySelector('.tab[data-tab="audit"]').addEventListener("click", () => loadAudit(false));
})();
