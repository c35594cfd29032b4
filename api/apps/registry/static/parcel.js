// A parcel's page: its facts, owners with their exact shares (fractions as the ledger holds
// them), owners on a chosen date, rights and restrictions, the lineage diagram the gateway draws,
// and the ownership history as a timeline.
import { $, area, day, explain, fact, get, joined, money, owners, parcelLink, row, t, transferLink, when } from "./dom.js";

let shown = null; // the parcel file on screen

function path(id) {
  return "/v1/registry/parcels/" + encodeURIComponent(id);
}

export async function showParcel(id) {
  shown = null;
  $("parcel-heading").textContent = t("registry.parcel.heading", { id });
  $("parcel-error").textContent = "";
  $("parcel-body").hidden = true;
  const answer = await get(path(id));
  if (!answer.ok) {
    $("parcel-error").textContent = explain(answer.body);
    return;
  }
  shown = answer.body;
  showFacts(shown);
  showOwners(shown.ownership);
  showRights(shown.encumbrances);
  $("at-date").value = "";
  $("at-error").textContent = "";
  $("at-result").replaceChildren();
  $("parcel-body").hidden = false;
  await Promise.all([showLineage(id), showHistory(shown)]);
}

function showFacts(file) {
  const parcel = file.parcel;
  const facts = $("parcel-facts");
  facts.replaceChildren();
  fact(facts, t("registry.parcel.status"), t("registry.parcel.status." + parcel.status));
  fact(facts, t("registry.parcel.address"), parcel.address || t("registry.parcel.unknown"));
  fact(facts, t("registry.parcel.area"), area(parcel.area_m2));
  fact(facts, t("registry.parcel.registered"), when(parcel.registered_at));
  if (parcel.parents.length) fact(facts, t("registry.parcel.parents"), joined(parcel.parents.map(parcelLink)));
  if (parcel.retired_at) fact(facts, t("registry.parcel.retired"), when(parcel.retired_at));
  if (parcel.children.length) fact(facts, t("registry.parcel.children"), joined(parcel.children.map(parcelLink)));
  const pending = file.encumbrances.pending_transfer;
  if (pending) fact(facts, t("registry.parcel.pending"), transferLink(pending));
}

function fillOwners(tbody, ownership) {
  tbody.replaceChildren();
  for (const owner of ownership.owners) row(tbody, owner.party, owner.share);
}

function showOwners(ownership) {
  $("owners-caption").textContent = t("registry.owners.caption", { date: when(ownership.since) });
  fillOwners($("owners-lines"), ownership);
}

function showRights(encumbrances) {
  const tables = [
    ["mortgages", [...encumbrances.mortgages].sort((a, b) => a.rank - b.rank),
     (m) => [String(m.rank), m.lender, money.format(m.amount_cents / 100), when(m.registered_at)]],
    ["attachments", encumbrances.attachments, (a) => [a.creditor, a.reference, when(a.registered_at)]],
    ["limited-rights", encumbrances.limited_rights,
     (r) => [t("registry.limited.kind." + r.kind), r.holder,
             r.ends ? t("registry.limited.until", { starts: day(r.starts), ends: day(r.ends) })
                    : t("registry.limited.indefinite", { starts: day(r.starts) })]],
  ];
  for (const [id, entries, cells] of tables) {
    const tbody = $(id + "-lines");
    tbody.replaceChildren();
    for (const entry of entries) row(tbody, ...cells(entry));
    $(id).hidden = entries.length === 0;
  }
  const preemption = encumbrances.preemption;
  const list = $("preemption");
  list.replaceChildren();
  if (preemption) {
    fact(list, t("registry.preemption.decision"), `${preemption.decision} (${when(preemption.registered_at)})`);
    fact(list, t("registry.preemption.expires"),
         preemption.expires_on ? day(preemption.expires_on) : t("registry.preemption.no_end"));
  }
  list.hidden = !preemption;
  $("rights-none").hidden = Boolean(encumbrances.mortgages.length || encumbrances.attachments.length ||
                                    encumbrances.limited_rights.length || preemption);
}

// The gateway draws the diagram (with its title and description in the page's language); it is
// parsed as SVG, which runs no script, and placed in the page so its links work as links.
async function showLineage(id) {
  const box = $("lineage");
  box.replaceChildren();
  let response;
  try {
    response = await fetch(path(id).replace("/v1/registry", "/registry") + "/lineage.svg",
                           { credentials: "same-origin", cache: "no-store" });
  } catch (failure) {
    response = null;
  }
  if (!response || !response.ok) {
    box.textContent = t("registry.lineage.failed");
    return;
  }
  const drawing = new DOMParser().parseFromString(await response.text(), "image/svg+xml").documentElement;
  box.append(document.importNode(drawing, true));
}

function cause(ownership) {
  const reference = ownership.reference.join(", ");
  return t("registry.history." + ownership.cause, { reference });
}

async function showHistory(file) {
  const entries = [];
  let bookmark = "";
  do {
    const answer = await get(`${path(file.parcel.id)}/history?page_size=100&bookmark=${encodeURIComponent(bookmark)}`);
    if (!answer.ok) {
      $("parcel-error").textContent = explain(answer.body);
      return;
    }
    entries.push(...answer.body.items);
    bookmark = answer.body.bookmark;
  } while (bookmark);
  const list = $("history");
  list.replaceChildren();
  for (const entry of entries) {
    list.append(moment(entry.timestamp, cause(entry.ownership), t("registry.history.owners", { owners: owners(entry.ownership) })));
  }
  if (file.parcel.retired_at) {
    list.append(moment(file.parcel.retired_at, t("registry.history.retired", { children: file.parcel.children.join(", ") })));
  }
}

function moment(timestamp, what, detail) {
  const item = document.createElement("li");
  const time = document.createElement("time");
  time.dateTime = timestamp;
  time.textContent = when(timestamp);
  const title = document.createElement("strong");
  title.textContent = what;
  item.append(time, " ", title);
  if (detail) {
    const more = document.createElement("p");
    more.textContent = detail;
    item.append(more);
  }
  return item;
}

$("owners-at").addEventListener("submit", async (event) => {
  event.preventDefault();
  const chosen = $("at-date").value;
  $("at-error").textContent = "";
  $("at-result").replaceChildren();
  if (!chosen) {
    $("at-error").textContent = t("registry.at.missing");
    $("at-date").setAttribute("aria-invalid", "true");
    return;
  }
  $("at-date").removeAttribute("aria-invalid");
  const answer = await get(`${path(shown.parcel.id)}/ownership?at=${encodeURIComponent(chosen)}`);
  if (!answer.ok) {
    $("at-error").textContent = answer.body && answer.body.code === "PARCEL_RETIRED"
      ? t("registry.at.retired", { children: shown.parcel.children.join(", ") }) : explain(answer.body);
    return;
  }
  const table = document.createElement("table");
  const caption = document.createElement("caption");
  caption.textContent = t("registry.at.caption", { date: day(chosen), since: when(answer.body.ownership.since) });
  const head = document.createElement("thead");
  const labels = document.createElement("tr");
  for (const key of ["registry.owners.party", "registry.owners.share"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = t(key);
    labels.append(th);
  }
  head.append(labels);
  const body = document.createElement("tbody");
  fillOwners(body, answer.body.ownership);
  table.append(caption, head, body);
  table.id = "at-owners";
  $("at-result").append(table);
});
