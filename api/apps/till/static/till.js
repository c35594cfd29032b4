// The till: sign in, read a resident's payment code (camera, USB scanner or paste), check it, pay,
// show the outcome large, follow today's payments live, refund, and see the statement and
// settlements. Amounts are euros on screen and cents on the wire.
"use strict";
(function () {
  const G = window.Grootboek;
  const APP = "till";
  const $ = (id) => document.getElementById(id);
  // Worth trying again: with the same Idempotency-Key (it may have been paid: the gateway never pays
  // twice), or with a new one after a conflict (the ledger recorded nothing).
  const RETRY_SAME_KEY = new Set(["NETWORK", "OUTCOME_UNKNOWN", "IDEMPOTENCY_KEY_IN_USE", "TRANSACTION_NOT_FOUND"]);
  const CONFLICTS = new Set(["MVCC_READ_CONFLICT", "PHANTOM_READ_CONFLICT", "ENDORSEMENT_MISMATCH"]);
  const money = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en-IE" : "nl-NL",
                                      { style: "currency", currency: "EUR" });
  const clock = new Intl.DateTimeFormat(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
  const day = new Intl.DateTimeFormat(document.documentElement.lang, { dateStyle: "medium", timeStyle: "short" });

  let me = null;
  let attempt = null;      // the payment being taken: its body and Idempotency-Key, kept for a retry
  let refunding = null;    // the today's line being refunded
  let events = null;
  const lines = new Map(); // today's statement lines by id

  // -- signing in and out

  function showSignIn() {
    stopEvents();
    $("till").hidden = true;
    $("sign-in").hidden = false;
    $("token").focus();
  }

  async function showTill(session) {
    me = session;
    $("signed-in-as").textContent = G.t("signed_in_as", { user: session.merchant || session.user });
    $("sign-in").hidden = true;
    $("till").hidden = false;
    $("till-heading").focus();
    await loadCategories();
    followToday();
    loadStatement();
  }

  G.signInForm(APP, showTill);

  $("sign-out").addEventListener("click", async () => {
    stopCamera();
    await G.session.signOut(APP);
    me = null;
    showSignIn();
  });

  // -- the payment

  function parseAmount(text) {
    const match = /^\s*(?:€\s*)?(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
    if (!match) return null;
    const cents = Number(match[1]) * 100 + Number((match[2] || "0").padEnd(2, "0"));
    return cents > 0 ? cents : null;
  }

  async function loadCategories() {
    const select = $("category");
    select.replaceChildren();
    const answer = await G.call("GET", "/v1/budgets/merchants/" + encodeURIComponent(me.merchant));
    const categories = answer.ok ? answer.body.registration.categories : [];
    if (categories.length !== 1) select.append(new Option(G.t("till.category_choose"), ""));
    for (const category of categories) select.append(new Option(category, category));
    if (categories.length === 1) select.value = categories[0];
    if (!answer.ok) $("pay-error").textContent = G.explain(answer.body);
  }

  // The request as entered, or null after saying what is missing.
  function entered() {
    const error = $("pay-error");
    error.textContent = "";
    const problems = [];
    const code = $("code").value.trim();
    const amount = parseAmount($("amount").value);
    const category = $("category").value;
    for (const [id, ok, message] of [["code", code, "till.code_missing"], ["amount", amount, "till.amount_invalid"],
                                     ["category", category, "till.category_missing"]]) {
      $(id).toggleAttribute("aria-invalid", !ok);
      if (!ok) problems.push(G.t(message));
    }
    if (problems.length) {
      error.textContent = problems.join(" ");
      return null;
    }
    return { code, amount, category };
  }

  async function check() {
    const body = entered();
    const result = $("check-result");
    result.className = "check";
    result.textContent = "";
    if (!body) return;
    $("check").disabled = true;
    const answer = await G.call("POST", "/v1/budgets/payment-checks", body);
    $("check").disabled = false;
    if (answer.ok && answer.body.fits) {
      result.classList.add("fits");
      result.textContent = G.t("till.check.fits", { amount: money.format(body.amount / 100) });
    } else {
      result.classList.add("refused");
      result.textContent = G.t("till.check.refused", { reason: G.explain(answer.body) });
    }
  }

  async function pay() {
    const body = entered();
    if (!body) return;
    if (!attempt || JSON.stringify(attempt.body) !== JSON.stringify(body)) {
      attempt = { body, key: crypto.randomUUID() };
    }
    await send(attempt);
  }

  async function send(current) {
    $("pay-submit").disabled = true;
    $("retry").disabled = true;
    const answer = await G.call("POST", "/v1/budgets/payments", current.body, { "Idempotency-Key": current.key });
    $("pay-submit").disabled = false;
    $("retry").disabled = false;
    const code = answer.ok ? null : (answer.body && answer.body.code) || "UNKNOWN";
    const retry = !answer.ok && (answer.status === 0 || answer.status >= 500 || RETRY_SAME_KEY.has(code) ||
                                 CONFLICTS.has(code));
    if (CONFLICTS.has(code)) current.key = crypto.randomUUID();
    if (!retry) attempt = null;
    showResult(answer.ok ? "paid" : retry ? "failed" : "refused", current.body.amount,
               answer.ok ? "" : G.explain(answer.body), retry);
    if (answer.ok) addLine(paymentLine(answer.body));
  }

  function showResult(outcome, amount, reason, retry) {
    const result = $("result");
    result.className = "result " + (outcome === "paid" ? "paid" : "refused");
    result.dataset.outcome = outcome;
    $("result-heading").textContent = G.t("till.result." + outcome);
    $("result-amount").textContent = money.format(amount / 100);
    $("result-reason").textContent = reason;
    $("retry").hidden = !retry;
    $("pay").hidden = true;
    result.hidden = false;
    $("result-heading").focus();
  }

  function nextCustomer() {
    attempt = null;
    $("pay-form").reset();
    loadCategories();
    $("check-result").textContent = "";
    $("pay-error").textContent = "";
    $("result").hidden = true;
    $("pay").hidden = false;
    $("code").focus();
  }

  $("pay-form").addEventListener("submit", (event) => { event.preventDefault(); pay(); });
  $("check").addEventListener("click", check);
  $("retry").addEventListener("click", () => attempt && send(attempt));
  $("next").addEventListener("click", nextCustomer);
  // A USB scanner types the code and presses Enter: go on to the amount, or check when it is there.
  $("code").addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    if (parseAmount($("amount").value) === null) $("amount").focus();
    else check();
  });

  // -- the camera: frames from getUserMedia into jsQR until a code is found

  let stream = null;
  let scanning = false;
  const canvas = document.createElement("canvas");

  async function startCamera() {
    const status = $("camera-status");
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (failure) {
      $("camera").hidden = false;
      status.textContent = G.t("till.camera.unavailable");
      return;
    }
    const video = $("camera-video");
    video.srcObject = stream;
    await video.play();
    $("camera").hidden = false;
    $("camera-start").hidden = true;
    $("camera-stop").hidden = false;
    status.textContent = G.t("till.camera.looking");
    scanning = true;
    requestAnimationFrame(scan);
  }

  function scan() {
    if (!scanning) return;
    const video = $("camera-video");
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (found && found.data) {
        $("code").value = found.data.trim();
        stopCamera();
        $("camera-status").textContent = G.t("till.camera.read");
        $("camera").hidden = false;
        $("amount").focus();
        return;
      }
    }
    requestAnimationFrame(scan);
  }

  function stopCamera() {
    scanning = false;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    $("camera-video").srcObject = null;
    $("camera").hidden = true;
    $("camera-start").hidden = false;
    $("camera-stop").hidden = true;
  }

  $("camera-start").addEventListener("click", startCamera);
  $("camera-stop").addEventListener("click", stopCamera);

  // -- today's payments: the statement of today, then every new line from the event stream

  function paymentLine(payment) {
    return { id: payment.id, kind: "payment", amount: payment.amount, at: payment.paid_at,
             payment_id: payment.id, category: payment.category };
  }

  function refundable(paymentId) {
    let left = 0;
    for (const line of lines.values()) {
      if (line.payment_id !== paymentId) continue;
      left += line.kind === "payment" ? line.amount : -line.amount;
    }
    return left;
  }

  function addLine(line) {
    if (line.kind === "settlement" || lines.has(line.id)) return;
    if (line.at.slice(0, 10) !== new Date().toISOString().slice(0, 10)) return;
    lines.set(line.id, line);
    renderToday();
  }

  function renderToday() {
    const list = $("today-list");
    const sorted = [...lines.values()].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    list.replaceChildren(...sorted.map((line) => {
      const item = document.createElement("li");
      item.dataset.id = line.id;
      item.dataset.kind = line.kind;
      const when = document.createElement("span");
      when.className = "when";
      when.textContent = clock.format(new Date(line.at));
      const amount = document.createElement("span");
      amount.className = "amount";
      amount.textContent = money.format((line.kind === "payment" ? line.amount : -line.amount) / 100);
      const what = document.createElement("span");
      what.className = "what";
      what.textContent = G.t("till.kind." + line.kind) + (line.category ? " · " + line.category : "");
      item.append(when, amount, what);
      if (line.kind === "payment" && refundable(line.payment_id) > 0) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary";
        button.textContent = G.t("till.refund");
        button.setAttribute("aria-label", G.t("till.refund_of", { amount: money.format(line.amount / 100),
                                                                   time: clock.format(new Date(line.at)) }));
        button.addEventListener("click", () => startRefund(line));
        item.append(button);
      }
      return item;
    }));
    $("today-empty").hidden = lines.size > 0;
  }

  async function followToday() {
    lines.clear();
    stopEvents();
    // Subscribe first, then read the statement: a payment in between arrives once either way.
    events = new EventSource("/v1/budgets/events");
    events.addEventListener("open", () => { $("live").textContent = G.t("till.live.on"); });
    events.addEventListener("error", () => { $("live").textContent = G.t("till.live.off"); });
    for (const name of ["PaymentMade", "PaymentRefunded", "MerchantSettled"]) {
      events.addEventListener(name, (message) => addLine(JSON.parse(message.data).payload));
    }
    const today = new Date().toISOString().slice(0, 10);
    const answer = await G.call("GET", "/v1/budgets/merchants/" + encodeURIComponent(me.merchant) +
                                       "/statement?newest_first=true&page_size=100&day=" + today);
    if (answer.ok) answer.body.items.forEach(addLine);
    renderToday();
  }

  function stopEvents() {
    if (events) events.close();
    events = null;
  }

  // -- refunds

  function startRefund(line) {
    refunding = line;
    $("refund-heading").textContent = G.t("till.refund_of", { amount: money.format(line.amount / 100),
                                                              time: clock.format(new Date(line.at)) });
    $("refund-amount").value = (refundable(line.payment_id) / 100).toFixed(2).replace(".", ",");
    $("refund-error").textContent = "";
    $("refund-form").hidden = false;
    $("refund-amount").focus();
  }

  $("refund-cancel").addEventListener("click", () => { $("refund-form").hidden = true; refunding = null; });
  $("refund-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const amount = parseAmount($("refund-amount").value);
    if (amount === null) {
      $("refund-error").textContent = G.t("till.amount_invalid");
      return;
    }
    if (!refunding.key || refunding.amount_asked !== amount) {
      refunding.key = crypto.randomUUID();
      refunding.amount_asked = amount;
    }
    $("refund-submit").disabled = true;
    const answer = await G.call("POST", "/v1/budgets/payments/" + encodeURIComponent(refunding.payment_id) +
                                        "/refunds", { amount }, { "Idempotency-Key": refunding.key });
    $("refund-submit").disabled = false;
    if (!answer.ok) {
      $("refund-error").textContent = G.explain(answer.body);
      return;
    }
    $("refund-form").hidden = true;
    $("live").textContent = G.t("till.refund.done", { amount: money.format(amount / 100) });
    refunding = null;
  });

  // -- the statement and settlements

  async function loadStatement() {
    $("statement-error").textContent = "";
    const answer = await G.call("GET", "/v1/budgets/merchants/" + encodeURIComponent(me.merchant) +
                                       "/statement?newest_first=true&page_size=50");
    if (!answer.ok) {
      $("statement-error").textContent = G.explain(answer.body);
      return;
    }
    const rows = await Promise.all(answer.body.items.map(statementRow));
    $("statement-lines").replaceChildren(...rows);
    $("statement-table").hidden = false;
  }

  async function statementRow(line) {
    const row = document.createElement("tr");
    row.dataset.kind = line.kind;
    const cells = [day.format(new Date(line.at)),
                   G.t("till.kind." + line.kind) + (line.category ? " · " + line.category : ""),
                   money.format((line.kind === "payment" ? line.amount : -line.amount) / 100)];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    const settlement = document.createElement("td");
    row.append(settlement);
    if (line.kind === "settlement" && line.settlement_id) {
      const answer = await G.call("GET", "/v1/budgets/settlements/" + encodeURIComponent(line.settlement_id));
      if (answer.ok) showSettlement(settlement, answer.body);
    }
    return row;
  }

  function showSettlement(cell, settlement) {
    cell.replaceChildren();
    const status = document.createElement("span");
    status.textContent = G.t("till.settlement." + settlement.status, { reference: settlement.bank_reference });
    cell.append(status);
    if (settlement.status !== "paid") return;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = G.t("till.settlement.confirm");
    button.setAttribute("aria-label", G.t("till.settlement.confirm_of", { reference: settlement.bank_reference }));
    const key = crypto.randomUUID();
    button.addEventListener("click", async () => {
      button.disabled = true;
      const answer = await G.call("POST", "/v1/budgets/settlements/" + encodeURIComponent(settlement.id) +
                                          "/confirm", undefined, { "Idempotency-Key": key });
      button.disabled = false;
      if (answer.ok) showSettlement(cell, answer.body);
      else $("statement-error").textContent = G.explain(answer.body);
    });
    cell.append(" ", button);
  }

  $("statement-load").addEventListener("click", loadStatement);

  G.session.current(APP).then((answer) => (answer.ok && answer.body.user ? showTill(answer.body) : showSignIn()));
})();
