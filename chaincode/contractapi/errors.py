"""The refusals a contract raises; the dispatcher answers them as exactly "CODE: message"."""
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
