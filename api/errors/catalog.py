"""The error table: every code the gateway answers with, its HTTP status, what it means and what a
client should do. api/README.md shows it (a test keeps the two equal, and checks that every code the
gateway's source can produce is here); the OpenAPI document lists per operation the codes that apply.

A chaincode's refusal codes come from its own table (`ErrorCode` of budgets and registry), so their
meanings are written once, next to the rules that raise them.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from grootboek.chaincode.budgets.domain.errors import ErrorCode as BudgetsCode
from grootboek.chaincode.registry.domain.errors import ErrorCode as RegistryCode

from . import chaincode_codes


class Action(Enum):
    """What a client does about an error (api/README.md explains each)."""

    FIX = "fix the request"
    ASK = "tell the user"
    AUTHENTICATE = "authenticate"
    RETRY = "retry"
    ASK_LEDGER = "repeat with the same key"
    GIVE_UP = "give up"


class Scope(Enum):
    """Which operations can answer a code (for their OpenAPI responses)."""

    ANY = "any request (the gateway's front, routing)"
    AUTHENTICATED = "operations that need a user"
    INPUT = "operations with parameters or a body"
    BODY = "operations with a request body"
    FABRIC = "operations that call a chaincode or the ledger"
    WRITE = "operations that submit a transaction"
    GENERIC = "the generic /v1/channels/... operations"
    OWN = "the one operation that names it (`own_codes`)"


@dataclass(frozen=True)
class Entry:
    code: str
    status: int
    meaning: str
    action: Action
    scope: Scope


GATEWAY: tuple[Entry, ...] = (
    Entry("MALFORMED_REQUEST", 400, "Not HTTP the gateway can read, or a body that is not JSON",
             Action.FIX, Scope.BODY),
    Entry("UNAUTHENTICATED", 401, "No bearer token and no client certificate", Action.AUTHENTICATE,
             Scope.AUTHENTICATED),
    Entry("INVALID_AUTHORIZATION", 401, "An Authorization header that is not `Bearer <token>`",
             Action.AUTHENTICATE, Scope.AUTHENTICATED),
    Entry("INVALID_TOKEN", 401, "The token is unknown, expired or revoked, or its user was removed",
             Action.AUTHENTICATE, Scope.AUTHENTICATED),
    Entry("UNKNOWN_CLIENT_CERTIFICATE", 401, "The client certificate is bound to no user",
             Action.AUTHENTICATE, Scope.AUTHENTICATED),
    Entry("INVALID_SESSION", 401, "A web app's session cookie whose session ended (signed out, expired, "
          "or its token revoked)", Action.AUTHENTICATE, Scope.AUTHENTICATED),
    Entry("FORBIDDEN", 403, "The user lacks the role, or does not act for this merchant (also a "
             "chaincode's refusal)", Action.ASK, Scope.AUTHENTICATED),
    Entry("CSRF_REJECTED", 403, "A change sent with a session cookie lacks the session's `X-CSRF-Token`, or "
          "another site's page sent it (also with a client certificate)", Action.FIX, Scope.AUTHENTICATED),
    Entry("ACCESS_DENIED", 403, "The peer or the chaincode refused the user's identity", Action.ASK,
             Scope.FABRIC),
    Entry("CERTIFICATE_REVOKED", 403, "The channel's MSP revoked the user's Fabric certificate", Action.GIVE_UP,
          Scope.FABRIC),
    Entry("CERTIFICATE_EXPIRED", 403, "The user's Fabric certificate has expired", Action.GIVE_UP, Scope.FABRIC),
    Entry("CERTIFICATE_UNKNOWN", 403, "The user's certificate is not issued by its organisation's CA, or the "
          "organisation is not on the channel", Action.GIVE_UP, Scope.FABRIC),
    Entry("IDENTITY_REFUSED", 403, "The peer refused the user's identity for another reason (its log says "
          "why)", Action.GIVE_UP, Scope.FABRIC),
    Entry("ROUTE_NOT_FOUND", 404, "No operation at this path", Action.FIX, Scope.ANY),
    Entry("TRANSACTION_NOT_FOUND", 404, "The peer has not committed this transaction (yet)",
             Action.RETRY, Scope.GENERIC),
    Entry("CHANNEL_NOT_FOUND", 404, "The peer knows no such channel", Action.FIX, Scope.GENERIC),
    Entry("CHAINCODE_NOT_FOUND", 404, "No such chaincode on the channel", Action.FIX, Scope.GENERIC),
    Entry("METHOD_NOT_ALLOWED", 405, "The path exists but not with this method (see `Allow`)",
             Action.FIX, Scope.ANY),
    Entry("REQUEST_TIMEOUT", 408, "The request did not arrive whole in time", Action.RETRY, Scope.ANY),
    Entry("IDEMPOTENCY_KEY_IN_USE", 409, "A request with this Idempotency-Key is still in progress",
             Action.RETRY, Scope.WRITE),
    Entry("OUTCOME_UNKNOWN", 409, "The first request with this Idempotency-Key submitted a "
             "transaction that has not committed (yet)", Action.ASK_LEDGER, Scope.WRITE),
    Entry("ENDORSEMENT_MISMATCH", 409, "Endorsing peers disagreed (a concurrent change)", Action.RETRY,
             Scope.WRITE),
    Entry("MVCC_READ_CONFLICT", 409, "A concurrent transaction changed what this one read; it was "
             "invalidated", Action.RETRY, Scope.WRITE),
    Entry("PHANTOM_READ_CONFLICT", 409, "A concurrent transaction changed a range this one read",
             Action.RETRY, Scope.WRITE),
    Entry("ENDORSEMENT_POLICY_FAILURE", 409, "The transaction was ordered but its endorsements do not "
             "satisfy the policy (any other Fabric validation code is answered the same way)",
             Action.GIVE_UP, Scope.WRITE),
    Entry("REQUEST_TOO_LARGE", 413, "The body exceeds `limits.max_body_bytes`", Action.FIX, Scope.BODY),
    Entry("URI_TOO_LONG", 414, "The request target exceeds `limits.max_target_bytes`", Action.FIX,
             Scope.ANY),
    Entry("UNSUPPORTED_MEDIA_TYPE", 415, "The body's Content-Type is not the one the operation takes",
             Action.FIX, Scope.BODY),
    Entry("VALIDATION_ERROR", 422, "A parameter or body field is invalid; `errors` names each",
             Action.FIX, Scope.INPUT),
    Entry("IDEMPOTENCY_KEY_REUSED", 422, "This Idempotency-Key was used for a different request",
             Action.FIX, Scope.WRITE),
    Entry("NO_ENDORSERS_FOR_ORGANIZATIONS", 422, "No reachable peer of a named endorsing organisation",
             Action.FIX, Scope.GENERIC),
    Entry("ENDORSING_ORGANIZATIONS_REQUIRED", 422, "The chaincode needs endorsing_organizations named",
             Action.FIX, Scope.GENERIC),
    Entry("HEADERS_TOO_LARGE", 431, "The request line and headers exceed `limits.max_header_bytes`",
             Action.FIX, Scope.ANY),
    Entry("INTERNAL", 500, "The gateway failed unexpectedly (it is logged)", Action.GIVE_UP, Scope.ANY),
    Entry("CHAINCODE_FAILURE", 502, "The chaincode failed (not a refusal)", Action.RETRY, Scope.FABRIC),
    Entry("ENDORSEMENT_FAILED", 502, "Endorsement failed for another reason", Action.RETRY, Scope.FABRIC),
    Entry("ORDERER_REFUSED", 502, "The orderer refused the transaction; nothing was ordered",
             Action.RETRY, Scope.WRITE),
    Entry("DOCS_NOT_INSTALLED", 503, "/docs: Swagger UI was not installed with the gateway",
          Action.GIVE_UP, Scope.ANY),
    Entry("OVERLOADED", 503, "Too many connections or queued requests", Action.RETRY, Scope.ANY),
    Entry("PEER_UNAVAILABLE", 503, "The organisation's peer is not reachable", Action.RETRY,
             Scope.FABRIC),
    Entry("ENDORSEMENT_UNAVAILABLE", 503, "Not enough endorsing peers are reachable", Action.RETRY,
             Scope.FABRIC),
    Entry("DATABASE_READ_ONLY", 503, "The gateway's database cannot be written (also on /health/ready)",
          Action.RETRY, Scope.ANY),
    Entry("DATABASE_DAMAGED", 503, "The gateway's database is damaged (also on /health/ready)", Action.RETRY,
          Scope.ANY),
    Entry("DATABASE_BUSY", 503, "The gateway's database is locked by another writer", Action.RETRY, Scope.ANY),
    Entry("DATABASE_UNAVAILABLE", 503, "The gateway's database cannot be opened or read (disk, file), or the "
          "read model's server cannot be reached", Action.RETRY, Scope.ANY),
    Entry("DATABASE_ERROR", 503, "The gateway's database failed for another reason (it is logged)",
          Action.RETRY, Scope.ANY),
    Entry("TIMEOUT", 504, "The peer did not answer in time; nothing was submitted", Action.RETRY,
             Scope.FABRIC),
)
"""The gateway's own codes (OUTCOME_UNKNOWN is also 504: the orderer or the commit did not confirm)."""

NO_WALLET_IDENTITY = Entry("NO_WALLET_IDENTITY", 403, "No gateway user has role `wallet`, so this gateway "
                           "serves no residents' wallets (activations, holder reads)", Action.GIVE_UP, Scope.OWN)
ACTIVATION_REFUSED = Entry("ACTIVATION_REFUSED", 403, "Not the letter's activation code; the message says how "
                           "many attempts are left", Action.ASK, Scope.OWN)
TOO_MANY_ATTEMPTS = Entry("TOO_MANY_ATTEMPTS", 429, "Too many activation attempts from this client (see "
                          "`Retry-After`)", Action.RETRY, Scope.OWN)
CHECK_LIMIT = Entry("CHECK_LIMIT", 429, "This payment code was checked as often as allowed; pay or ask for a "
                    "new code", Action.ASK, Scope.OWN)
PAYMENT_CANCELLED = Entry("PAYMENT_CANCELLED", 409, "The payment's outcome stayed unknown, so the gateway "
                          "cancelled its code (a fence): it is not paid and never will be; ask for a new code and "
                          "pay with a new Idempotency-Key", Action.ASK, Scope.OWN)
BUDGETS_GATEWAY: tuple[Entry, ...] = (NO_WALLET_IDENTITY, ACTIVATION_REFUSED, TOO_MANY_ATTEMPTS, CHECK_LIMIT,
                                      PAYMENT_CANCELLED)
"""The budgets area's own codes: activations without a login, a till's checks, a fenced payment."""

TOO_MANY_STREAMS = Entry("TOO_MANY_STREAMS", 429, "This user holds as many event streams as "
                         "`limits.event_streams_per_user` allows; close one (see `Retry-After`)",
                         Action.RETRY, Scope.OWN)
"""Both event-stream operations answer it: one identity cannot hold a gateway's streams."""

OUTCOME_UNKNOWN_TIMEOUT = Entry(
    "OUTCOME_UNKNOWN", 504, "The orderer or the commit did not confirm in time: the transaction may "
    "still commit", Action.ASK_LEDGER, Scope.WRITE)

SHIM: tuple[Entry, ...] = (
    Entry("UNKNOWN_TRANSACTION", 404, "The chaincode has no such function", Action.FIX, Scope.GENERIC),
    Entry("INVALID_ARGUMENT", 400, "An argument the chaincode could not convert or accept", Action.FIX,
             Scope.FABRIC),
)


def _refusal(code: str, meaning: str, status: int) -> Entry:
    """A chaincode's rule said no: the caller's input (400) or the ledger's state and rules."""
    return Entry(code, status, meaning, Action.FIX if status == 400 else Action.ASK, Scope.FABRIC)


BUDGETS: tuple[Entry, ...] = tuple(
    _refusal(code.value, code.description, chaincode_codes.BUDGETS[code.value]) for code in BudgetsCode)
REGISTRY: tuple[Entry, ...] = tuple(
    _refusal(code.value, code.description, code.http_status) for code in RegistryCode)

GENERIC: tuple[Entry, ...] = (
    *SHIM, *(entry for entry in GATEWAY if entry.scope is Scope.GENERIC))
"""What the generic operations add: any chaincode's code may come back, these are always possible."""

TABLES: dict[str, tuple[Entry, ...]] = {
    "gateway": (*GATEWAY, TOO_MANY_STREAMS, OUTCOME_UNKNOWN_TIMEOUT, *SHIM, *BUDGETS_GATEWAY), "budgets": BUDGETS,
    "registry": REGISTRY}
"""Each table of api/README.md, by its heading's first word."""


def markdown(entries: tuple[Entry, ...]) -> str:
    """One table of api/README.md."""
    rows = ["| code | HTTP | meaning | what to do |", "|---|---|---|---|"]
    rows += [f"| `{e.code}` | {e.status} | {e.meaning} | {e.action.value} |" for e in entries]
    return "\n".join(rows)
