"""Exceptions raised by the shim: misuse of the stub API and the peer's refusals."""
from __future__ import annotations


class ShimError(Exception):
    """Misuse of the stub API or a malformed message, detected before anything reaches the peer."""


class PeerError(ShimError):
    """The peer refused a request of this transaction (it answered ERROR).

    The transaction must not succeed after this: the peer has not applied the request, so a
    completed transaction would silently lack it.
    """
