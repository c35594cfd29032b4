// A transfer in progress as a notary follows it: its terms, every consent it needs (each
// seller's, each buyer's, the municipality's waiver while its pre-emption right is in force), which
// are given and which are missing, and whether the registry can record it now. The chaincode
// decides all of this (Transfers:get_transfer_progress); the page only shows it.
import { $, explain, fact, get, joined, money, parcelLink, row, t, when } from "./dom.js";

export async function showTransfer(id) {
  $("transfer-heading").textContent = t("registry.transfer.heading", { id });
  $("transfer-error").textContent = "";
  $("transfer-body").hidden = true;
  const answer = await get("/v1/registry/transfers/" + encodeURIComponent(id) + "/progress");
  if (!answer.ok) {
    $("transfer-error").textContent = explain(answer.body);
    return;
  }
  const { transfer, consents, attachments, recordable } = answer.body;
  const terms = transfer.terms;
  const facts = $("transfer-facts");
  facts.replaceChildren();
  fact(facts, t("registry.transfer.parcel"), parcelLink(terms.parcel_id));
  fact(facts, t("registry.transfer.status"), t("registry.transfer.status." + transfer.status));
  fact(facts, t("registry.transfer.opened"), when(transfer.opened_at));
  fact(facts, t("registry.transfer.sellers"), terms.sellers.join(", "));
  fact(facts, t("registry.transfer.buyers"), joined(terms.buyers.map((b) => `${b.party} (${b.share})`)));
  if (terms.price_cents !== null) fact(facts, t("registry.transfer.price"), money.format(terms.price_cents / 100));

  const lines = $("consents-lines");
  lines.replaceChildren();
  for (const consent of consents) {
    const state = document.createElement("span");
    state.className = consent.given_at ? "given" : "missing";
    state.textContent = consent.given_at ? t("registry.consents.given", { date: when(consent.given_at) })
                                         : t("registry.consents.missing");
    const who = consent.kind === "preemption_waiver" ? t("registry.consents.municipality", { msp: consent.by }) : consent.by;
    row(lines, who, t("registry.consents.kind." + consent.kind), state).dataset.state = state.className;
  }
  const missing = consents.filter((c) => !c.given_at).length;
  const open = transfer.status === "awaiting_acceptance" || transfer.status === "accepted";
  const verdict = $("transfer-verdict");
  verdict.textContent = !open ? t("registry.transfer.closed", { status: t("registry.transfer.status." + transfer.status) })
    : recordable ? t("registry.transfer.recordable")
    : missing ? t("registry.transfer.missing", { count: missing, total: consents.length })
    : attachments.length ? "" : t("registry.transfer.waiting");
  verdict.dataset.recordable = String(recordable);
  $("transfer-attachments").textContent = attachments.length
    ? t("registry.transfer.attached", { ids: attachments.join(", ") }) : "";
  $("transfer-body").hidden = false;
}
