"""Blocks as the budgets chaincode's transactions leave them on the ledger, built without a
network: for the read model's unit tests and for bench/readmodel.py's million payments, both fed
through the read model's own ingest. The values are the chaincode's records in its canonical JSON
(tests/unit/api/test_readmodel.py checks the domain models read them back), under its composite keys."""
from __future__ import annotations

from dataclasses import dataclass, field

from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import proposal_pb2, proposal_response_pb2, transaction_pb2

from grootboek.chaincode.signing import canonical_json

CHAINCODE = "budgets"
CHANNEL = "kindpakket"
VALID, MVCC_READ_CONFLICT, DUPLICATE_TXID = 0, 11, 2  # peer.TxValidationCode


def key(*parts: str) -> str:
    """A composite key, as the shim makes it."""
    return "\x00" + "".join(part + "\x00" for part in parts)


Writes = list[tuple[str, bytes | None]]  # None deletes


@dataclass
class Tx:
    tx_id: str
    writes: Writes
    code: int = VALID
    namespace: str = CHAINCODE


def envelope(tx: Tx) -> bytes:
    kv = kv_rwset_pb2.KVRWSet(writes=[kv_rwset_pb2.KVWrite(key=k, value=v or b"", is_delete=v is None)
                                      for k, v in tx.writes])
    results = rwset_pb2.TxReadWriteSet(data_model=rwset_pb2.TxReadWriteSet.KV, ns_rwset=[
        rwset_pb2.NsReadWriteSet(namespace=tx.namespace, rwset=kv.SerializeToString())])
    action = proposal_pb2.ChaincodeAction(results=results.SerializeToString())
    response = proposal_response_pb2.ProposalResponsePayload(extension=action.SerializeToString())
    action_payload = transaction_pb2.ChaincodeActionPayload(
        action=transaction_pb2.ChaincodeEndorsedAction(proposal_response_payload=response.SerializeToString()))
    transaction = transaction_pb2.Transaction(actions=[transaction_pb2.TransactionAction(
        payload=action_payload.SerializeToString())])
    header = common_pb2.ChannelHeader(type=common_pb2.ENDORSER_TRANSACTION, channel_id=CHANNEL, tx_id=tx.tx_id)
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()),
                                 data=transaction.SerializeToString())
    return common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()


def config_envelope() -> bytes:
    header = common_pb2.ChannelHeader(type=common_pb2.CONFIG, channel_id=CHANNEL)
    payload = common_pb2.Payload(header=common_pb2.Header(channel_header=header.SerializeToString()))
    return common_pb2.Envelope(payload=payload.SerializeToString()).SerializeToString()


def block(number: int, transactions: list[Tx]) -> common_pb2.Block:
    built = common_pb2.Block(header=common_pb2.BlockHeader(number=number),
                             data=common_pb2.BlockData(data=[envelope(tx) for tx in transactions]))
    built.metadata.metadata.extend([b""] * 5)
    built.metadata.metadata[common_pb2.TRANSACTIONS_FILTER] = bytes(tx.code for tx in transactions)
    return built


def genesis() -> common_pb2.Block:
    built = common_pb2.Block(header=common_pb2.BlockHeader(number=0),
                             data=common_pb2.BlockData(data=[config_envelope()]))
    built.metadata.metadata.extend([b""] * 5)
    built.metadata.metadata[common_pb2.TRANSACTIONS_FILTER] = bytes([VALID])
    return built


def scheme(scheme_id: str, name: str = "Kindpakket", status: str = "open") -> tuple[str, bytes]:
    terms = {"name": name, "starts_at": "2026-01-01T00:00:00Z", "ends_at": "2027-01-01T00:00:00Z",
             "amount_per_beneficiary": 25000, "unit": {"name": "eur-cent", "tariff_cents": 1},
             "categories": ["bicycles", "clothing", "sports"], "category_caps": {}, "max_per_payment": None}
    record = {"id": scheme_id, "owner": "MunicipalityMSP", "status": status, "terms": terms,
              "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    return key("scheme", scheme_id), canonical_json(record)


@dataclass
class Budget:
    """A budget's record, moved by the payments written with it."""

    id: str
    scheme_id: str
    granted: int = 25000
    activated: bool = True
    issued_at: str = "2026-01-05T09:00:00Z"
    status: str = "active"
    returned: int = 0
    spent_by_category: dict[str, int] = field(default_factory=dict)
    spent_by_merchant: dict[str, int] = field(default_factory=dict)
    entries: int = 1

    @property
    def balance(self) -> int:
        return self.granted - self.returned - sum(self.spent_by_category.values())

    def write(self, at: str) -> tuple[str, bytes]:
        record = {"id": self.id, "scheme_id": self.scheme_id, "beneficiary": f"pseudo-{self.id}",
                  "holder_key": "-----BEGIN PUBLIC KEY-----" if self.activated else None, "activation": None,
                  "status": self.status, "granted": self.granted, "balance": self.balance,
                  "returned": self.returned, "spent_by_category": self.spent_by_category,
                  "spent_by_merchant": self.spent_by_merchant, "entries": self.entries,
                  "issued_at": self.issued_at, "updated_at": at}
        return key("budget", self.id), canonical_json(record)


def line_writes(line: dict) -> Writes:
    """A statement line under the three keys the chaincode writes it to."""
    value = canonical_json(line)
    day, at, merchant = line["at"][:10], line["at"], line["merchant_id"]
    writes: Writes = [(key("statement", merchant, day, at, line["id"]), value),
                      (key("statement-newest", merchant, "~" + day, "~" + at, line["id"]), value)]
    if line["kind"] != "settlement":
        writes.append((key("receivable", merchant, line["scheme_id"], at, line["id"]), value))
    return writes


def issue(tx_id: str, budget: Budget) -> Tx:
    return Tx(tx_id, [budget.write(budget.issued_at), (key("beneficiary", budget.scheme_id, f"pseudo-{budget.id}"),
                                                        budget.id.encode())])


def payment(tx_id: str, budget: Budget, merchant: str, category: str, amount: int, at: str,
            kind: str = "payment") -> Tx:
    """A payment (or its refund) at `merchant`, moving `budget`."""
    signed = amount if kind == "payment" else -amount
    budget.spent_by_category[category] = budget.spent_by_category.get(category, 0) + signed
    budget.spent_by_merchant[merchant] = budget.spent_by_merchant.get(merchant, 0) + signed
    budget.entries += 1
    line = {"id": tx_id, "kind": kind, "merchant_id": merchant, "scheme_id": budget.scheme_id, "amount": amount,
            "at": at, "payment_id": f"p-{tx_id}", "budget_id": budget.id, "category": category,
            "settlement_id": None}
    return Tx(tx_id, [budget.write(at), (key("payment", f"p-{tx_id}"), b"{}"), *line_writes(line)])


def settlement(tx_id: str, scheme_id: str, amounts: dict[str, int], at: str) -> Tx:
    """One settlement of several shops' open receivables: a statement line per shop, in one transaction."""
    writes: Writes = []
    for merchant, amount in amounts.items():
        line = {"id": tx_id, "kind": "settlement", "merchant_id": merchant, "scheme_id": scheme_id,
                "amount": amount, "at": at, "payment_id": None, "budget_id": None, "category": None,
                "settlement_id": f"s-{tx_id}-{merchant}"}
        writes += line_writes(line)
        writes.append((key("receivable", merchant, scheme_id, "2026-01-01T00:00:00Z", "old"), None))
    return Tx(tx_id, writes)
