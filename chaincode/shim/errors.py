"""Exceptions raised by the shim and by contracts."""
from __future__ import annotations


class ContractError(Exception):
    """A business-rule refusal raised by contract code; the client sees exactly "CODE: message".

    `code` is a stable, machine-readable word such as "INSUFFICIENT_BALANCE"; `message` is for people.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class AccessDenied(ContractError):
    """The submitting identity lacks a required attribute or membership."""

    def __init__(self, message: str) -> None:
        super().__init__("ACCESS_DENIED", message)


class ShimError(Exception):
    """Misuse of the stub API or a malformed message, detected before anything reaches the peer."""


class PeerError(ShimError):
    """The peer refused a request of this transaction (it answered ERROR).

    The transaction must not succeed after this: the peer has not applied the request, so a
    completed transaction would silently lack it.
    """
