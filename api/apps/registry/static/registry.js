// The registry's parcel viewer: sign in, then three screens chosen by the address's fragment so
// that links, the browser's back button and a copied address all work: #/ searches parcels,
// #/parcels/<id> shows a parcel's file, #/transfers/<id> a transfer's consents.
import { $, area, explain, get, owners, parcelLink, row, t } from "./dom.js";
import { showParcel } from "./parcel.js";
import { showTransfer } from "./transfer.js";

const G = window.Grootboek;
const APP = "registry";
const PAGE_SIZE = 20;
const SCREENS = ["search", "parcel", "transfer"];

// The search whose next page "More" fetches: { path, caption, refused, bookmark, count }; `refused`
// says what to show when the registry finds the search text invalid.
let listing = null;

function showSignIn() {
  $("viewer").hidden = true;
  $("sign-in").hidden = false;
  $("token").focus();
}

function signedIn(session) {
  $("signed-in-as").textContent = t("signed_in_as", { user: session.user });
  $("sign-in").hidden = true;
  $("viewer").hidden = false;
  route();
}

function screen(name) {
  for (const other of SCREENS) $(other).hidden = other !== name;
  $(name + "-heading").focus();
}

async function route() {
  if ($("viewer").hidden) return;
  const [, kind, id] = /^#\/(parcels|transfers)\/(.+)$/.exec(location.hash) || [];
  if (kind === "parcels") {
    screen("parcel");
    await showParcel(decodeURIComponent(id));
  } else if (kind === "transfers") {
    screen("transfer");
    await showTransfer(decodeURIComponent(id));
  } else {
    screen("search");
  }
}

// -- search

function say(text, error) {
  $("search-status").textContent = error ? "" : text;
  $("search-error").textContent = error ? text : "";
}

async function list(path, caption, refused) {
  listing = { path, caption, refused, bookmark: "", count: 0 };
  $("results-lines").replaceChildren();
  $("results-caption").textContent = caption;
  await more();
}

async function more() {
  const separator = listing.path.includes("?") ? "&" : "?";
  const answer = await get(`${listing.path}${separator}page_size=${PAGE_SIZE}&bookmark=${encodeURIComponent(listing.bookmark)}`);
  if (!answer.ok) {
    $("results").hidden = true;
    $("results-more").hidden = true;
    const invalid = listing.refused && answer.body && answer.body.code === "INVALID_ARGUMENT";
    say(invalid ? t(listing.refused) : explain(answer.body), true);
    return;
  }
  for (const file of answer.body.items) {
    const parcel = file.parcel;
    row($("results-lines"), parcelLink(parcel.id), parcel.address || t("registry.parcel.unknown"),
        area(parcel.area_m2), t("registry.parcel.status." + parcel.status), owners(file.ownership));
  }
  listing.count += answer.body.items.length;
  listing.bookmark = answer.body.bookmark;
  $("results").hidden = listing.count === 0;
  // Fabric may answer a full last page with a bookmark: "More" then finds nothing and hides.
  $("results-more").hidden = !listing.bookmark || answer.body.items.length < PAGE_SIZE;
  say(listing.count ? t("registry.search.found", { count: listing.count }) : t("registry.search.none"), false);
}

function onSubmit(formId, fieldId, act) {
  $(formId).addEventListener("submit", (event) => {
    event.preventDefault();
    const field = $(fieldId);
    const value = field.value.trim();
    if (!value) {
      field.setAttribute("aria-invalid", "true");
      say(t("registry.search.missing"), true);
      field.focus();
      return;
    }
    field.removeAttribute("aria-invalid");
    say("", false);
    act(value);
  });
}

// One box for what a clerk has at hand: a parcel's designation opens it, a party id lists what it
// owns, anything else is an address for the registry's address index to read.
const PARCEL_ID = /^[A-Za-z]{3}[0-9]{2}-[A-Za-z]{1,2}-[0-9]{1,5}$/;
const PARTY_ID = /^pty_[A-Za-z0-9._:-]+$/;

function search(text) {
  if (PARCEL_ID.test(text)) {
    location.hash = "#/parcels/" + encodeURIComponent(text.toUpperCase());
  } else if (PARTY_ID.test(text)) {
    list(`/v1/registry/parties/${encodeURIComponent(text)}/parcels`, t("registry.search.caption_owner", { party: text }));
  } else {
    list(`/v1/registry/parcels/by-address?address=${encodeURIComponent(text)}`,
         t("registry.search.caption_address", { address: text }), "registry.search.not_an_address");
  }
}

onSubmit("find", "search-text", search);
onSubmit("find-transfer", "transfer-id", (id) => { location.hash = "#/transfers/" + encodeURIComponent(id); });
$("list-all").addEventListener("click", () => list("/v1/registry/parcels", t("registry.search.caption_all")));
$("results-more").addEventListener("click", more);

// -- session

window.addEventListener("hashchange", route);
G.signInForm(APP, signedIn);
$("sign-out").addEventListener("click", async () => {
  await G.session.signOut(APP);
  showSignIn();
});
G.session.current(APP).then((answer) => {
  if (answer.ok && answer.body.user) signedIn(answer.body); else showSignIn();
});
