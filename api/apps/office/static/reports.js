// The back office's reports tab: the schemes the read model knows, and a scheme's reports as the
// gateway renders them (charts and tables, api/apps/office/reports.py), in the page's language.
"use strict";
(function () {
  const G = window.Grootboek;
  const $ = (id) => document.getElementById(id);
  const lang = document.documentElement.lang;

  async function loadSchemes() {
    const answer = await G.call("GET", "/office/reports");
    const select = $("report-scheme");
    if (!answer.ok) {
      $("reports-error").textContent = G.explain(answer.body);
      return;
    }
    const chosen = select.value;
    select.replaceChildren(...answer.body.schemes.map((scheme) => {
      const option = document.createElement("option");
      option.value = scheme.id;
      option.textContent = `${scheme.name} (${scheme.id})`;
      return option;
    }));
    if (chosen) select.value = chosen;
    $("report-show").disabled = answer.body.schemes.length === 0;
    $("reports-error").textContent = answer.body.schemes.length ? "" : G.t("office.reports.none");
  }

  async function show(schemeId) {
    const output = $("report-output");
    output.textContent = G.t("office.reports.busy");
    $("reports-error").textContent = "";
    let response;
    try {
      response = await fetch(`/office/reports/${encodeURIComponent(schemeId)}?lang=${lang}`,
                             { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } });
    } catch (failure) {
      output.textContent = "";
      $("reports-error").textContent = G.explain({ code: "NETWORK", message: String(failure) });
      return;
    }
    if (!response.ok) {
      output.textContent = "";
      let body = null;
      try { body = await response.json(); } catch (ignored) { body = null; }
      $("reports-error").textContent = G.explain(body);
      return;
    }
    // The gateway's own rendering: escaped text, SVG without scripts or style attributes.
    output.innerHTML = await response.text();
  }

  document.querySelector('.tab[data-tab="reports"]').addEventListener("click", loadSchemes);
  $("report-find").addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("report-show");
    button.disabled = true;
    try { await show($("report-scheme").value); } finally { button.disabled = false; }
  });
})();
