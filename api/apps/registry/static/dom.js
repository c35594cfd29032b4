// Small DOM helpers of the registry viewer: everything it shows is text the ledger holds, so it
// is set as text (never as markup), and dates and amounts are formatted in the page's language.
const G = window.Grootboek;
const lang = document.documentElement.lang;
const locale = lang === "en" ? "en-GB" : "nl-NL";

export const $ = (id) => document.getElementById(id);
export const t = G.t;
export const money = new Intl.NumberFormat(locale, { style: "currency", currency: "EUR" });
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: "long" });

export function when(timestamp) {
  return dateTime.format(new Date(timestamp));
}

// A calendar date from the ledger (2026-01-05) as written in the page's language.
export function day(isoDate) {
  return dateOnly.format(new Date(isoDate + "T12:00:00Z"));
}

export function fact(list, term, value) {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  if (value instanceof Node) dd.append(value); else dd.textContent = value;
  list.append(dt, dd);
}

export function row(tbody, ...cells) {
  const tr = document.createElement("tr");
  for (const value of cells) {
    const td = document.createElement("td");
    if (value instanceof Node) td.append(value); else td.textContent = value;
    tr.append(td);
  }
  tbody.append(tr);
  return tr;
}

export function parcelLink(id) {
  const a = document.createElement("a");
  a.href = "#/parcels/" + encodeURIComponent(id);
  a.textContent = id;
  return a;
}

export function transferLink(id) {
  const a = document.createElement("a");
  a.href = "#/transfers/" + encodeURIComponent(id);
  a.textContent = id;
  return a;
}

// Several links (or texts) separated by commas, as one fragment.
export function joined(nodes) {
  const fragment = document.createDocumentFragment();
  nodes.forEach((node, index) => {
    if (index) fragment.append(", ");
    fragment.append(node);
  });
  return fragment;
}

export function area(squareMetres) {
  return t("registry.parcel.area_value", { area: squareMetres.toLocaleString(locale) });
}

export function owners(ownership) {
  return ownership.owners.map((owner) => `${owner.party} (${owner.share})`).join(", ");
}

// The gateway's refusal in the page's language, with the gateway's own words for the details.
export function explain(body) {
  const details = (body && body.errors) || [];
  return [G.explain(body), ...details.map((e) => `${e.field}: ${e.message}`)].join(" ");
}

export function get(path) {
  return G.call("GET", path);
}
