// The municipality's back office: schemes (create, amend while a draft, open, close), the shops a
// scheme admits, budgets (look up, top up, revoke, expire; issue one or a CSV file of them) and
// their activation letters, printed one page each. What a screen offers follows the user's roles:
// without `officer` it only shows. Amounts are euros on screen and cents on the wire; a scheme in
// another unit counts whole units.
"use strict";
(function () {
  const G = window.Grootboek;
  const APP = "office";
  const WORKERS = 4; // letters issued at once: enough to fill the orderers' 20 ms blocks, few enough to read
  const $ = (id) => document.getElementById(id);
  const lang = document.documentElement.lang;
  const money = new Intl.NumberFormat(lang === "en" ? "en-IE" : "nl-NL", { style: "currency", currency: "EUR" });
  const longDate = new Intl.DateTimeFormat(lang, { dateStyle: "long" });

  let me = null;
  let scheme = null;   // the scheme on screen
  let shop = null;     // the shop looked up for admission
  let budget = null;   // the budget on screen
  let checked = null;  // the last dry run: { scheme, rows, problems }

  // -- small helpers

  function isOfficer() {
    return Boolean(me && me.roles.includes("officer"));
  }

  function explain(body) {
    const details = (body && body.errors) || [];
    return [G.explain(body), ...details.map((e) => G.t("office.validation", { field: e.field, message: e.message }))]
      .join(" ");
  }

  function isMoney(unit) {
    return unit.name === "eur-cent";
  }

  function quantity(amount, unit) {
    return isMoney(unit) ? money.format(amount / 100) : `${amount} ${unit.name}`;
  }

  // Euros with up to two decimals as cents, or whole units; null when it is neither.
  function parseQuantity(text, euros) {
    const pattern = euros ? /^\s*(?:€\s*)?(\d{1,9})(?:[.,](\d{1,2}))?\s*$/ : /^\s*(\d{1,9})\s*$/;
    const match = pattern.exec(text);
    if (!match) return null;
    const value = euros ? Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0")) : Number(match[1]);
    return value > 0 ? value : null;
  }

  function fact(list, term, value) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    list.append(dt, dd);
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.append(td);
    return td;
  }

  function say(statusId, errorId, text, error) {
    $(statusId).textContent = error ? "" : text;
    $(errorId).textContent = error ? text : "";
  }

  async function busy(button, work) {
    button.disabled = true;
    try { return await work(); } finally { button.disabled = false; }
  }

  // -- signing in, tabs

  function showSignIn() {
    $("office").hidden = true;
    $("letters").hidden = true;
    $("sign-in").hidden = false;
    $("token").focus();
  }

  function showOffice(session) {
    me = session;
    $("signed-in-as").textContent = G.t("signed_in_as", { user: session.user });
    for (const element of document.querySelectorAll(".officer-only")) element.hidden = !isOfficer();
    $("read-only").hidden = isOfficer();
    $("sign-in").hidden = true;
    $("office").hidden = false;
    showTab("schemes");
  }

  function showTab(name) {
    for (const tab of document.querySelectorAll(".tab")) {
      const chosen = tab.dataset.tab === name;
      if (chosen) tab.setAttribute("aria-current", "true"); else tab.removeAttribute("aria-current");
      $(tab.dataset.tab).hidden = !chosen;
    }
    $(name + "-heading").focus();
  }

  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showTab(tab.dataset.tab));

  G.signInForm(APP, showOffice);

  $("sign-out").addEventListener("click", async () => {
    await G.session.signOut(APP);
    me = null;
    $("letters").replaceChildren();
    showSignIn();
  });

  // -- schemes

  function schemePath(id) {
    return "/v1/budgets/schemes/" + encodeURIComponent(id);
  }

  async function loadScheme(id) {
    const answer = await G.call("GET", schemePath(id));
    if (!answer.ok) {
      say("schemes-status", "schemes-error", explain(answer.body), true);
      return;
    }
    await showScheme(answer.body);
  }

  async function showScheme(found) {
    scheme = found;
    $("scheme-form").hidden = true;
    const terms = found.terms;
    $("scheme-heading").textContent = `${terms.name} (${found.id})`;
    const facts = $("scheme-facts");
    facts.replaceChildren();
    fact(facts, G.t("office.scheme.status"), G.t("office.scheme.status." + found.status));
    fact(facts, G.t("office.scheme.period"),
         `${longDate.format(new Date(terms.starts_at))} – ${longDate.format(new Date(terms.ends_at))}`);
    fact(facts, G.t("office.scheme.per_beneficiary"), quantity(terms.amount_per_beneficiary, terms.unit));
    fact(facts, G.t("office.scheme.categories"), terms.categories.join(", "));
    const caps = Object.entries(terms.category_caps).map(([name, cap]) => `${name}: ${quantity(cap, terms.unit)}`);
    fact(facts, G.t("office.scheme.caps"), caps.join(", ") || G.t("office.scheme.none"));
    fact(facts, G.t("office.scheme.max_per_payment"),
         terms.max_per_payment ? quantity(terms.max_per_payment, terms.unit) : G.t("office.scheme.none"));
    $("scheme-amend").hidden = $("scheme-open").hidden = found.status !== "draft";
    $("scheme-close").hidden = found.status === "closed";
    $("import-scheme").value = found.id;
    $("scheme").hidden = false;
    await loadPlaces();
  }

  async function loadPlaces() {
    const answer = await G.call("GET", schemePath(scheme.id) + "/places");
    const places = answer.ok ? answer.body.places : [];
    const lines = $("shops-lines");
    lines.replaceChildren();
    for (const place of places) {
      const row = document.createElement("tr");
      cell(row, place.merchant_id);
      cell(row, place.name);
      cell(row, place.categories.join(", "));
      lines.append(row);
    }
    $("shops-table").hidden = places.length === 0;
    $("shops-empty").hidden = places.length > 0;
    if (!answer.ok) $("shop-error").textContent = explain(answer.body);
  }

  $("scheme-find").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = $("find-scheme-id").value.trim();
    if (id) loadScheme(id);
  });

  function dateOnly(timestamp) {
    const date = new Date(timestamp);
    return [date.getFullYear(), String(date.getMonth() + 1).padStart(2, "0"), String(date.getDate()).padStart(2, "0")]
      .join("-");
  }

  function openSchemeForm(amending) {
    const form = $("scheme-form");
    form.dataset.mode = amending ? "amend" : "create";
    $("scheme-form-heading").textContent = amending ? G.t("office.scheme.amend_heading", { id: scheme.id })
                                                    : G.t("office.scheme.create_heading");
    $("scheme-save").textContent = G.t(amending ? "office.scheme.save" : "office.scheme.create");
    $("scheme-form-error").textContent = "";
    $("scheme-id").disabled = amending;
    if (amending) {
      const terms = scheme.terms;
      const inEuros = isMoney(terms.unit);
      const euros = (cents) => (cents / 100).toFixed(2).replace(".", ",");
      const shown = (amount) => (inEuros ? euros(amount) : String(amount));
      $("scheme-id").value = scheme.id;
      $("scheme-name").value = terms.name;
      $("scheme-starts").value = dateOnly(terms.starts_at);
      $("scheme-ends").value = dateOnly(terms.ends_at);
      $(inEuros ? "unit-money" : "unit-entries").checked = true;
      $("unit-name").value = inEuros ? "" : terms.unit.name;
      $("unit-tariff").value = inEuros || terms.unit.tariff_cents === null ? "" : euros(terms.unit.tariff_cents);
      $("scheme-amount").value = shown(terms.amount_per_beneficiary);
      $("scheme-max").value = terms.max_per_payment ? shown(terms.max_per_payment) : "";
      $("scheme-categories").value = terms.categories.join(", ");
      $("scheme-caps").value = Object.entries(terms.category_caps).map(([name, cap]) => `${name} = ${shown(cap)}`)
        .join("\n");
    } else {
      form.reset();
    }
    showUnitTerms();
    form.hidden = false;
    $(amending ? "scheme-name" : "scheme-id").focus();
  }

  function showUnitTerms() {
    $("entries-terms").hidden = !$("unit-entries").checked;
  }

  for (const radio of document.querySelectorAll('input[name="unit"]')) radio.addEventListener("change", showUnitTerms);
  $("scheme-new").addEventListener("click", () => openSchemeForm(false));
  $("scheme-amend").addEventListener("click", () => openSchemeForm(true));
  $("scheme-cancel").addEventListener("click", () => { $("scheme-form").hidden = true; });

  // The form's terms, or null after saying what is wrong. The tariff is always in euros.
  function enteredTerms() {
    const problems = [];
    const value = (id) => $(id).value.trim();
    const inEuros = $("unit-money").checked;
    const required = { "scheme-id": "office.scheme.id", "scheme-name": "office.scheme.name",
                       "scheme-starts": "office.scheme.starts", "scheme-ends": "office.scheme.ends",
                       "scheme-amount": "office.scheme.amount", "scheme-categories": "office.scheme.categories" };
    if (!inEuros) required["unit-name"] = "office.scheme.unit_name";
    const missing = Object.entries(required).filter(([id]) => !value(id)).map(([, label]) => G.t(label));
    for (const id of Object.keys(required)) $(id).toggleAttribute("aria-invalid", !value(id));
    if (missing.length) problems.push(G.t("office.missing", { fields: missing.join(", ") }));
    // An entered quantity (undefined when left empty); a wrong one is a problem.
    function entered(id, label, euros) {
      if (!value(id)) return undefined;
      const parsed = parseQuantity(value(id), euros);
      if (parsed === null) problems.push(G.t("office.invalid_amount", { field: G.t(label) }));
      return parsed;
    }
    const amount = entered("scheme-amount", "office.scheme.amount", inEuros);
    const max = entered("scheme-max", "office.scheme.max_per_payment", inEuros);
    const tariff = inEuros ? undefined : entered("unit-tariff", "office.scheme.tariff", true);
    const caps = {};
    value("scheme-caps").split("\n").forEach((line, index) => {
      if (!line.trim()) return;
      const [name, cap] = line.split("=").map((part) => part.trim());
      const parsed = cap === undefined ? null : parseQuantity(cap, inEuros);
      if (!name || parsed === null) problems.push(G.t("office.invalid_caps", { line: index + 1 }));
      else caps[name] = parsed;
    });
    $("scheme-form-error").textContent = problems.join(" ");
    if (problems.length) return null;
    const terms = {
      name: value("scheme-name"),
      starts_at: new Date(value("scheme-starts") + "T00:00").toISOString(),
      ends_at: new Date(value("scheme-ends") + "T00:00").toISOString(),
      amount_per_beneficiary: amount,
      categories: value("scheme-categories").split(",").map((name) => name.trim()).filter(Boolean),
      category_caps: caps,
      max_per_payment: max || null,
    };
    if (!inEuros) terms.unit = { name: value("unit-name"), tariff_cents: tariff || null };
    return terms;
  }

  $("scheme-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const terms = enteredTerms();
    if (!terms) return;
    const amending = $("scheme-form").dataset.mode === "amend";
    const id = amending ? scheme.id : $("scheme-id").value.trim();
    const answer = await busy($("scheme-save"), () => (amending
      ? G.call("PUT", schemePath(id) + "/terms", terms)
      : G.call("POST", "/v1/budgets/schemes", { id, terms })));
    if (!answer.ok) {
      $("scheme-form-error").textContent = explain(answer.body);
      return;
    }
    say("schemes-status", "schemes-error", G.t(amending ? "office.scheme.amended" : "office.scheme.created", { id }));
    await showScheme(answer.body);
    $("scheme-heading").focus();
  });

  async function changeScheme(button, action, message) {
    const answer = await busy(button, () => G.call("POST", schemePath(scheme.id) + "/" + action));
    if (!answer.ok) {
      say("schemes-status", "schemes-error", explain(answer.body), true);
      return;
    }
    say("schemes-status", "schemes-error", G.t(message, { id: scheme.id }));
    await showScheme(answer.body);
  }

  $("scheme-open").addEventListener("click", () => changeScheme($("scheme-open"), "open", "office.scheme.opened"));
  $("scheme-close").addEventListener("click", () => {
    if (window.confirm(G.t("office.scheme.confirm_close", { id: scheme.id }))) {
      changeScheme($("scheme-close"), "close", "office.scheme.closed");
    }
  });

  // -- shops

  $("shop-find").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = $("shop-id").value.trim();
    $("shop-error").textContent = "";
    $("shop").hidden = true;
    if (!id) return;
    const answer = await G.call("GET", "/v1/budgets/merchants/" + encodeURIComponent(id));
    if (!answer.ok) {
      $("shop-error").textContent = explain(answer.body);
      return;
    }
    shop = answer.body;
    const facts = $("shop-facts");
    facts.replaceChildren();
    fact(facts, G.t("office.shops.name"), shop.registration.name);
    fact(facts, G.t("office.shops.kvk"), shop.registration.kvk);
    fact(facts, G.t("office.shops.categories"), shop.registration.categories.join(", "));
    fact(facts, G.t("office.shops.state"), G.t("office.shops.state." + shop.status));
    $("shop").hidden = false;
  });

  $("shop-admit").addEventListener("click", async () => {
    const answer = await busy($("shop-admit"), () => G.call("POST", schemePath(scheme.id) + "/admissions",
                                                             { merchant_id: shop.id }));
    if (!answer.ok) {
      $("shop-error").textContent = explain(answer.body);
      return;
    }
    $("shop").hidden = true;
    say("schemes-status", "schemes-error", G.t("office.shops.admitted", { shop: shop.registration.name, id: scheme.id }));
    await loadPlaces();
  });

  // -- budgets

  function budgetPath(id) {
    return "/v1/budgets/budgets/" + encodeURIComponent(id);
  }

  async function loadBudget(id) {
    const answer = await G.call("GET", budgetPath(id) + "/balance");
    if (!answer.ok) {
      say("budget-status", "budget-error", explain(answer.body), true);
      $("budget").hidden = true;
      return;
    }
    budget = answer.body;
    $("budget-heading").textContent = G.t("office.budget.heading", { id: budget.budget_id });
    const facts = $("budget-facts");
    facts.replaceChildren();
    fact(facts, G.t("office.budget.scheme"), budget.scheme_id);
    fact(facts, G.t("office.budget.status"), G.t("office.budget.status." + budget.status));
    fact(facts, G.t("office.budget.balance"), quantity(budget.balance, budget.unit));
    fact(facts, G.t("office.budget.granted"), quantity(budget.granted, budget.unit));
    fact(facts, G.t("office.budget.spent"), quantity(budget.spent, budget.unit));
    $("budget").hidden = false;
    document.dispatchEvent(new CustomEvent("office:budget", { detail: budget }));  // personal.js
  }

  $("budget-find").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = $("budget-id").value.trim();
    if (id) {
      say("budget-status", "budget-error", "");
      loadBudget(id);
    }
  });

  async function changeBudget(button, action, body, message) {
    const answer = await busy(button, () => G.call("POST", budgetPath(budget.budget_id) + "/" + action, body));
    if (!answer.ok) {
      say("budget-status", "budget-error", explain(answer.body), true);
      return;
    }
    await loadBudget(budget.budget_id);
    say("budget-status", "budget-error", G.t(message, { id: budget.budget_id }));
  }

  $("top-up-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const amount = parseQuantity($("top-up-amount").value, isMoney(budget.unit));
    $("top-up-amount").toggleAttribute("aria-invalid", amount === null);
    if (amount === null) {
      say("budget-status", "budget-error", G.t("office.invalid_amount", { field: G.t("office.budget.top_up_amount") }), true);
      return;
    }
    changeBudget(event.submitter, "top-ups", { amount }, "office.budget.topped_up");
  });
  $("budget-revoke").addEventListener("click", () => {
    if (window.confirm(G.t("office.budget.confirm_revoke", { id: budget.budget_id }))) {
      changeBudget($("budget-revoke"), "revoke", undefined, "office.budget.revoked");
    }
  });
  $("budget-expire").addEventListener("click", () =>
    changeBudget($("budget-expire"), "expire", undefined, "office.budget.expired"));

  // -- issuing: one budget or a CSV file, both checked by the gateway first

  function csvField(text) {
    return /[",;\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  $("one-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!scheme) {
      say("budget-status", "budget-error", G.t("office.no_scheme"), true);
      return;
    }
    const values = ["one-bsn", "one-name", "one-address", "one-postcode", "one-city"].map((id) => $(id).value.trim());
    const file = "bsn,naam,adres,postcode,woonplaats\n" + values.map(csvField).join(",") + "\n";
    showTab("import");  // where the check's problems and the outcome show
    await busy(event.submitter, async () => {
      if (await checkFile(scheme.id, file)) await issueAll();
    });
  });

  // The dry run: shows every problem by line and field; true when some rows can be issued.
  async function checkFile(schemeId, text) {
    say("import-summary", "import-error", "");
    $("import-run").disabled = true;
    $("results-table").hidden = true;
    checked = null;
    const [found, answer] = await Promise.all([G.call("GET", schemePath(schemeId)),
                                               G.call("POST", "/office/imports/check", { scheme_id: schemeId, csv: text })]);
    const refused = !found.ok ? found : !answer.ok ? answer : null;
    if (refused) {
      say("import-summary", "import-error", explain(refused.body), true);
      $("problems-table").hidden = true;
      return false;
    }
    checked = { scheme: found.body, rows: answer.body.rows, problems: answer.body.problems };
    const lines = $("problems-lines");
    lines.replaceChildren();
    for (const problem of checked.problems) {
      const row = document.createElement("tr");
      row.dataset.line = problem.line;
      cell(row, String(problem.line));
      cell(row, problem.field);
      cell(row, G.t("office.problem." + problem.code, problem.values));
      lines.append(row);
    }
    $("problems-table").hidden = checked.problems.length === 0;
    const badLines = new Set(checked.problems.map((problem) => problem.line)).size;
    say("import-summary", "import-error", G.t("office.import.checked", { good: checked.rows.length, bad: badLines }));
    $("import-run").disabled = checked.rows.length === 0;
    return checked.rows.length > 0;
  }

  $("import-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const schemeId = $("import-scheme").value.trim();
    const file = $("import-file").files[0];
    const missing = [!schemeId && G.t("office.import.scheme"), !file && G.t("office.import.file")].filter(Boolean);
    if (missing.length) {
      say("import-summary", "import-error", G.t("office.missing", { fields: missing.join(", ") }), true);
      return;
    }
    await busy($("import-check"), async () => checkFile(schemeId, await file.text()));
  });

  $("import-run").addEventListener("click", () => busy($("import-run"), issueAll));

  // Issues every good row of the last dry run, a few at a time. Each row's outcome is on screen as
  // it comes, so a failure midway leaves the list of what was and was not issued; a row issued
  // before (the same resident in this scheme, from any file) is refused by the ledger, not issued again.
  async function issueAll() {
    const { scheme: target, rows } = checked;
    const outcomes = new Map();
    const lines = $("results-lines");
    lines.replaceChildren();
    for (const row of rows) {
      const line = document.createElement("tr");
      line.dataset.line = row.line;
      cell(line, String(row.line));
      cell(line, row.naam);
      outcomes.set(row, cell(line, G.t("office.import.waiting")));
      lines.append(line);
    }
    $("results-table").hidden = false;
    $("import-progress-box").hidden = false;
    const progress = $("import-progress");
    progress.max = rows.length;
    progress.value = 0;
    const counts = { issued: 0, earlier: 0, failed: 0 };
    const issued = [];
    let next = 0;
    async function worker() {
      while (next < rows.length) {
        const row = rows[next++];
        const answer = await G.call("POST", "/v1/budgets/activation-letters",
                                    { budget_id: row.budget_id, scheme_id: target.id, beneficiary: row.beneficiary });
        const outcome = outcomes.get(row);
        if (answer.ok) {
          counts.issued += 1;
          issued.push({ row, letter: answer.body });
          outcome.textContent = G.t("office.import.issued");
          outcome.parentElement.dataset.outcome = "issued";
        } else if (answer.body && answer.body.code === "ALREADY_EXISTS") {
          counts.earlier += 1;
          outcome.textContent = G.t("office.import.earlier");
          outcome.parentElement.dataset.outcome = "earlier";
        } else {
          counts.failed += 1;
          outcome.textContent = G.t("office.import.failed", { reason: explain(answer.body) });
          outcome.parentElement.dataset.outcome = "failed";
        }
        progress.value += 1;
        $("import-summary").textContent = G.t("office.import.running", { done: progress.value, total: rows.length });
      }
    }
    await Promise.all(Array.from({ length: Math.min(WORKERS, rows.length) }, worker));
    issued.sort((a, b) => a.row.line - b.row.line);
    showLetters(target, issued);
    say("import-summary", "import-error", G.t("office.import.done", counts));
  }

  // -- activation letters: one printed page each (office.css's print rules)

  function drawQr(text) {
    const qr = window.qrcode(0, "M");
    qr.addData(text);
    qr.make();
    const image = document.createElement("img");
    const cellSize = 4;
    image.src = qr.createDataURL(cellSize, 4);
    image.width = image.height = (qr.getModuleCount() + 8) * cellSize;
    image.alt = G.t("office.letter.qr");
    return image;
  }

  function paragraph(className, text) {
    const p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function showLetters(target, issued) {
    const letters = $("letters");
    letters.replaceChildren();
    const today = longDate.format(new Date());
    for (const { row, letter } of issued) {
      const page = document.createElement("article");
      page.className = "letter";
      page.dataset.budget = letter.budget.id;
      page.dataset.qr = letter.qr;
      const heading = document.createElement("h2");
      heading.textContent = G.t("office.letter.subject", { scheme: target.terms.name });
      const address = document.createElement("address");
      for (const text of [row.naam, row.adres, [row.postcode, row.woonplaats].filter(Boolean).join("  ")]) {
        if (text) address.append(paragraph("", text));
      }
      page.append(paragraph("sender", G.t("office.letter.municipality")), address, paragraph("date", today), heading,
                  paragraph("", G.t("office.letter.greeting", { name: row.naam })),
                  paragraph("", G.t("office.letter.body", { amount: quantity(letter.budget.granted, target.terms.unit),
                                                          wallet: location.origin + "/wallet/" })),
                  drawQr(letter.qr),
                  paragraph("typed", G.t("office.letter.typed", { budget: letter.budget.id, code: letter.typed })),
                  paragraph("", G.t("office.letter.expires", { date: longDate.format(new Date(letter.expires_at)) })));
      letters.append(page);
    }
    letters.hidden = issued.length === 0;
    $("letters-actions").hidden = issued.length === 0;
  }

  $("letters-print").addEventListener("click", () => window.print());

  // What the office's other scripts (personal.js, settlements.js) share with this one.
  window.Office = { explain, cell };

  // -- start

  G.session.current(APP).then((answer) => {
    if (answer.ok && answer.body.user) showOffice(answer.body); else showSignIn();
  });
})();
