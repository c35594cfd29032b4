/**
 * The resident's wallet: budgets on this phone, each with its own key; activation from the
 * municipality's letter; balance, history and where to spend, read with query tokens signed here;
 * and a payment code as a QR code, signed here too, so showing one needs no network.
 *
 * Screens are the page's sections, chosen by the URL's hash (#activate, #budget/<id>, #pay/<id>,
 * #storage; none: the list). All text comes from the page's messages (window.Grootboek.t).
 */
import { makeKey, paymentCode, publicKeyPem, queryToken } from "./codes.js";
import { allBudgets, budget as storedBudget, forgetBudget, keepStorage, saveBudget } from "./keystore.js";

const G = window.Grootboek;
const API = "/v1/budgets";
const LETTER_PREFIX = "GBA1:";
const CODE_MINUTES = 5;
const TOKEN_MINUTES = 10;
const WATCH_SECONDS = 2;
const EXPIRY_CHECK_MS = 1000;
const HISTORY_PAGES = 10;
const language = document.documentElement.lang;
const $ = (id) => document.getElementById(id);

// -- what the wallet shows ----------------------------------------------------------------

function amount(quantity, unit) {
  if (!unit || unit.name === "eur-cent") {
    return new Intl.NumberFormat(language, { style: "currency", currency: "EUR" }).format(quantity / 100);
  }
  return `${quantity} ${unit.name}`;
}

function moment(text) {
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(text));
}

function category(name) {
  const key = `wallet.category.${name}`;
  const text = G.t(key);
  return text === key ? name : text;
}

function title(record) {
  return record.label || record.budgetId;
}

function shopName(record, merchantId) {
  const place = (record.places?.places || []).find((p) => p.merchant_id === merchantId);
  return place ? place.name : merchantId;
}

/** Spent per category: payments less refunds (a refund names its payment's category). */
function spentByCategory(history) {
  const spent = {};
  for (const entry of history || []) {
    if (!entry.category) continue;
    const sign = entry.kind === "paid" ? 1 : entry.kind === "refunded" ? -1 : 0;
    spent[entry.category] = (spent[entry.category] || 0) + sign * entry.amount;
  }
  return spent;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// -- the gateway --------------------------------------------------------------------------

function setOffline(offline) {
  $("offline").hidden = !offline;
}

function token(record) {
  return queryToken(record.keys.privateKey, record.budgetId, new Date(Date.now() + TOKEN_MINUTES * 60_000));
}

async function readAll(record, holderToken) {
  const query = `holder_token=${encodeURIComponent(holderToken)}`;
  const balance = await G.call("GET", `${API}/holder/balance?${query}`);
  if (!balance.ok) return balance;
  const history = [];
  let bookmark = "";
  for (let page = 0; page < HISTORY_PAGES; page += 1) {
    const answer = await G.call("GET", `${API}/holder/history?${query}&page_size=100&bookmark=${encodeURIComponent(bookmark)}`);
    if (!answer.ok) return answer;
    history.push(...answer.body.items);
    bookmark = answer.body.bookmark;
    if (!bookmark) break;
  }
  const places = await G.call("GET", `${API}/schemes/${encodeURIComponent(balance.body.scheme_id)}/places`);
  return { ok: true, balance: balance.body, history, places: places.ok ? places.body : record.places };
}

/** Reads the budget anew and keeps it; answers the stored record, with `error` when reading failed. */
async function refresh(record, holderToken) {
  const read = await readAll(record, holderToken || await token(record));
  setOffline(read.status === 0);
  if (!read.ok) return { ...record, error: read.status === 0 ? null : read.body };
  const fresh = { ...record, balance: read.balance, history: read.history, places: read.places,
                  seenAt: new Date().toISOString() };
  await saveBudget(fresh);
  return fresh;
}

// -- screens ------------------------------------------------------------------------------

const SCREENS = ["home", "activate", "budget", "pay", "storage"];
let leaving = () => {};

function show(screen) {
  leaving();
  leaving = () => {};
  for (const name of SCREENS) $(name).hidden = name !== screen;
  window.scrollTo(0, 0);  // a new screen starts at its top, header included
  $(`${screen}-heading`).focus({ preventScroll: true });
}

async function route() {
  const [screen, budgetId] = decodeURIComponent(location.hash.slice(1)).split("/");
  const record = budgetId ? await storedBudget(budgetId) : undefined;
  if (screen === "activate") return showActivate();
  if (screen === "storage") return showStorage();
  if (record && screen === "budget") return showBudget(record);
  if (record && screen === "pay") return showPay(record);
  return showHome();
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function showHome() {
  const records = await allBudgets();
  const list = $("budget-list");
  list.replaceChildren();
  $("no-budgets").hidden = records.length > 0;
  for (const record of records) {
    const card = element("li", undefined, "card");
    card.dataset.budget = record.budgetId;
    card.append(element("h2", title(record)));
    if (record.balance) card.append(element("p", amount(record.balance.balance, record.balance.unit), "amount"));
    const actions = element("div", undefined, "actions");
    const pay = element("button", G.t("wallet.home.pay"));
    pay.type = "button";
    pay.setAttribute("aria-label", `${G.t("wallet.home.pay")}: ${title(record)}`);
    pay.addEventListener("click", () => go(`#pay/${record.budgetId}`));
    const open = element("button", G.t("wallet.home.open"), "secondary");
    open.type = "button";
    open.setAttribute("aria-label", `${G.t("wallet.home.open")}: ${title(record)}`);
    open.addEventListener("click", () => go(`#budget/${record.budgetId}`));
    actions.append(pay, open);
    card.append(actions);
    list.append(card);
  }
  show("home");
}

function renderBudget(record) {
  $("budget-heading").textContent = title(record);
  const balance = record.balance;
  $("budget-balance").textContent = balance ? amount(balance.balance, balance.unit) : "…";
  $("budget-seen").textContent = record.seenAt ? G.t("wallet.budget.seen", { at: moment(record.seenAt) }) : "";
  $("budget-error").textContent = record.error ? G.explain(record.error) : "";
  const places = record.places;
  const spent = spentByCategory(record.history);
  const rows = (places?.categories || Object.keys(spent)).map((name) => {
    const row = element("tr");
    row.append(element("th", category(name)), element("td", amount(spent[name] || 0, balance?.unit)),
               element("td", places?.category_caps?.[name] ? amount(places.category_caps[name], balance?.unit)
                 : G.t("wallet.budget.no_cap")));
    row.firstChild.scope = "row";
    return row;
  });
  $("by-category").replaceChildren(...rows);
  const entries = [...(record.history || [])].reverse().map((entry) => {
    const item = element("li", undefined, `entry ${entry.kind}`);
    const what = G.t(`wallet.entry.${entry.kind}`, { shop: shopName(record, entry.merchant_id) });
    const sign = entry.kind === "paid" || entry.kind === "revoked" || entry.kind === "expired" ? "−" : "+";
    item.append(element("span", what, "what"), element("span", `${sign} ${amount(entry.amount, balance?.unit)}`, "amount"),
                element("span", moment(entry.at) + (entry.category ? ` · ${category(entry.category)}` : ""), "hint"));
    return item;
  });
  $("history").replaceChildren(...entries);
  const limits = [];
  if (places?.max_per_payment) limits.push(G.t("wallet.budget.per_payment", { amount: amount(places.max_per_payment, balance?.unit) }));
  if (balance) limits.push(G.t("wallet.budget.valid_until", { date: moment(balance.valid_until) }));
  $("where-limit").textContent = limits.join(" ");
  $("places").replaceChildren(...(places?.places || []).map((place) => {
    const item = element("li");
    item.append(element("strong", place.name), element("span", ` — ${place.categories.map(category).join(", ")}`));
    return item;
  }));
}

async function showBudget(record) {
  renderBudget(record);
  $("pay-budget").onclick = () => go(`#pay/${record.budgetId}`);
  $("forget-budget").onclick = async () => {
    if (!window.confirm(G.t("wallet.budget.forget_confirm"))) return;
    await forgetBudget(record.budgetId);
    go("#");
  };
  show("budget");
  renderBudget(await refresh(record));
}

// -- paying -------------------------------------------------------------------------------

function drawCode(text) {
  const qr = window.qrcode(0, "M");
  qr.addData(text);
  qr.make();
  const image = $("pay-qr");
  const cell = 4;
  image.src = qr.createDataURL(cell, 4);
  image.width = image.height = (qr.getModuleCount() + 8) * cell;
  image.dataset.code = text;
  $("pay-code").value = text;
}

function parseAmount(text, unit) {
  const cleaned = text.trim().replace(",", ".");
  if (!cleaned) return undefined;
  const money = !unit || unit.name === "eur-cent";
  const pattern = money ? /^\d+(\.\d{1,2})?$/ : /^\d+$/;
  if (!pattern.test(cleaned)) return null;
  const quantity = money ? Math.round(Number(cleaned) * 100) : Number(cleaned);
  return quantity > 0 ? quantity : null;
}

async function showPay(record) {
  $("pay-heading").textContent = G.t("wallet.pay.heading", { budget: title(record) });
  $("pay-paid").textContent = "";
  $("limits-error").textContent = "";
  const shops = $("only-shop");
  shops.replaceChildren(shops.options[0], ...(record.places?.places || []).map((place) => {
    const option = element("option", place.name);
    option.value = place.merchant_id;
    return option;
  }));
  let limits = {};
  let expiresAt = Infinity;
  let watching = null;
  let shown = true;
  let known = record;

  async function fresh() {
    const expires = new Date(Date.now() + CODE_MINUTES * 60_000);
    expiresAt = expires.getTime();
    drawCode(await paymentCode(record.keys.privateKey, record.budgetId, { expires, ...limits }));
    $("pay-expires").textContent = G.t("wallet.pay.expires", {
      time: new Intl.DateTimeFormat(language, { timeStyle: "medium" }).format(expires) });
  }

  // Not one timer for the expiry: timers stop while the phone sleeps and the phone's clock may
  // be set, so the code on the screen is compared with the clock every second.
  const expiryCheck = setInterval(() => {
    if (Date.now() >= expiresAt) fresh();
  }, EXPIRY_CHECK_MS);

  // The till does not tell the phone; a lower balance does. The code shown was used: make another.
  const holderToken = await token(record);
  async function watch() {
    const read = await refresh(known, holderToken);
    if (!shown) return;
    const before = known.balance?.balance;
    if (read.balance && before !== undefined && read.balance.balance < before) {
      $("pay-paid").textContent = G.t("wallet.pay.paid", {
        amount: amount(before - read.balance.balance, read.balance.unit),
        balance: amount(read.balance.balance, read.balance.unit) });
      await fresh();
    }
    known = read.balance ? read : known;
    if (shown) watching = setTimeout(watch, WATCH_SECONDS * 1000);
  }

  $("limits-form").onsubmit = async (event) => {
    event.preventDefault();
    const maxAmount = parseAmount($("max-amount").value, known.balance?.unit);
    const field = $("max-amount");
    if (maxAmount === null) {
      field.setAttribute("aria-invalid", "true");
      $("limits-error").textContent = G.t("wallet.pay.bad_amount");
      return;
    }
    field.removeAttribute("aria-invalid");
    $("limits-error").textContent = "";
    limits = { maxAmount, merchant: shops.value || undefined };
    await fresh();
  };

  await fresh();
  show("pay");
  leaving = () => {
    shown = false;
    clearInterval(expiryCheck);
    clearTimeout(watching);
  };
  watch();
}

// -- activation ---------------------------------------------------------------------------

let camera = null;

function stopScanning() {
  if (camera) camera.getTracks().forEach((track) => track.stop());
  camera = null;
  $("scanner").hidden = true;
}

// Outside the scanner, so that "scanned" stays in view (and is announced) once the camera is off.
function scanStatus(text) {
  $("scan-status").textContent = text;
}

function readLetter(text) {
  if (!text.startsWith(LETTER_PREFIX)) return null;
  const [budgetId, secret] = text.slice(LETTER_PREFIX.length).split(":");
  return budgetId && secret ? { budgetId, secret } : null;
}

async function scan() {
  try {
    camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  } catch (refused) {
    $("activate-error").textContent = G.t("wallet.activate.no_camera");
    return;
  }
  $("scanner").hidden = false;
  scanStatus(G.t("wallet.activate.scanning"));
  const video = $("camera");
  video.srcObject = camera;
  await video.play();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const frame = () => {
    if (!camera) return;
    if (video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const found = window.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width,
                                canvas.height, { inversionAttempts: "dontInvert" });
      const letter = found && readLetter(found.data);
      if (letter) {
        $("budget-number").value = letter.budgetId;
        $("activation-code").value = letter.secret;
        stopScanning();
        $("activate-error").textContent = "";
        $("activate-submit").focus();
        scanStatus(G.t("wallet.activate.scanned"));
        return;
      }
      if (found) scanStatus(G.t("wallet.activate.not_a_letter"));
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

function showActivate() {
  $("activate-form").reset();
  $("activate-error").textContent = "";
  scanStatus("");
  show("activate");
  leaving = stopScanning;
}

async function activate(event) {
  event.preventDefault();
  const error = $("activate-error");
  const budgetId = $("budget-number").value.trim();
  const secret = $("activation-code").value.trim();
  error.textContent = "";
  for (const field of [$("budget-number"), $("activation-code")]) {
    field.toggleAttribute("aria-invalid", !field.value.trim());
  }
  if (!budgetId || !secret) {
    error.textContent = G.t("wallet.activate.missing");
    return;
  }
  if (await storedBudget(budgetId)) {
    error.textContent = G.t("wallet.activate.already");
    return;
  }
  const submit = $("activate-submit");
  submit.disabled = true;
  submit.textContent = G.t("wallet.activate.busy");
  const keys = await makeKey();
  const answer = await G.call("POST", `${API}/activations`,
                              { budget_id: budgetId, secret, holder_key: await publicKeyPem(keys.publicKey) });
  submit.disabled = false;
  submit.textContent = G.t("wallet.activate.submit");
  if (!answer.ok) {
    error.textContent = G.explain(answer.body);
    setOffline(answer.status === 0);
    return;
  }
  const record = { budgetId, label: $("budget-label").value.trim(), keys, activatedAt: new Date().toISOString() };
  await saveBudget(record);
  stopScanning();
  go(`#budget/${budgetId}`);
}

// -- storage ------------------------------------------------------------------------------

async function showStorage() {
  show("storage");
  $("storage-kept").textContent = G.t(await keepStorage() ? "wallet.storage.kept" : "wallet.storage.not_kept");
}

// -- start --------------------------------------------------------------------------------

$("add-budget").addEventListener("click", () => go("#activate"));
$("show-storage").addEventListener("click", () => go("#storage"));
$("scan-letter").addEventListener("click", scan);
$("stop-scan").addEventListener("click", () => {
  stopScanning();
  scanStatus("");
});
$("activate-form").addEventListener("submit", activate);
for (const back of document.querySelectorAll(".back")) back.addEventListener("click", () => go("#"));
window.addEventListener("hashchange", route);
window.addEventListener("online", () => setOffline(false));
window.addEventListener("offline", () => setOffline(true));
setOffline(!navigator.onLine);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/wallet/sw.js", { scope: "/wallet/" });
keepStorage();
route();
