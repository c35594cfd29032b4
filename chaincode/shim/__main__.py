"""Runs a chaincode server: `python -m grootboek.chaincode.shim --chaincode module:attribute ...`.

Every option can come from the environment instead (the names Fabric's CCaaS examples use).
TLS is required unless --tls-disabled / CHAINCODE_TLS_DISABLED=true. With a client CA, the peer
names (the host names in the organisation's peers' TLS certificates) say which of the CA's
certificates are peers. SIGTERM stops it cleanly.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import signal
import sys
import threading
from typing import Sequence

from grootboek import logs

from .connection import DEFAULT_TX_DEADLINE
from .http2 import Limits
from .server import TlsConfig, serve

log = logging.getLogger(__name__)


def load(reference: str):
    """Imports "package.module:attribute" and returns the attribute."""
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"expected module:attribute, got {reference!r}")
    target = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m grootboek.chaincode.shim", description=__doc__)
    parser.add_argument("--chaincode", required=True, help="module:attribute of the Chaincode")
    parser.add_argument("--address", default=env("CHAINCODE_SERVER_ADDRESS"), help="host:port to listen on")
    parser.add_argument("--id", default=env("CHAINCODE_ID"), help="the package id the peer knows us by")
    parser.add_argument("--tls-cert", default=env("CHAINCODE_TLS_CERT"))
    parser.add_argument("--tls-key", default=env("CHAINCODE_TLS_KEY"))
    parser.add_argument("--client-ca-cert", default=env("CHAINCODE_CLIENT_CA_CERT"),
                        help="require peers to present a client certificate signed by this CA")
    parser.add_argument("--peer-names", default=env("CHAINCODE_PEER_NAMES", ""),
                        help="comma-separated names of the peers admitted with a client certificate")
    parser.add_argument("--tls-disabled", action="store_true",
                        default=env("CHAINCODE_TLS_DISABLED", "").lower() == "true")
    parser.add_argument("--max-message-size", type=int,
                        default=int(env("CHAINCODE_MAX_MESSAGE_SIZE", Limits.max_message)),
                        help="largest message accepted from the peer, in bytes")
    parser.add_argument("--tx-deadline", type=float,
                        default=float(env("CHAINCODE_TX_DEADLINE", DEFAULT_TX_DEADLINE)),
                        help="seconds a transaction may run before its requests to the peer fail; "
                             "keep it under the peer's chaincode.executetimeout")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    options = parser.parse_args(argv)
    for name in ("address", "id"):
        if not getattr(options, name):
            parser.error(f"--{name} (or its environment variable) is required")
    tls = None
    if not options.tls_disabled:
        if not (options.tls_cert and options.tls_key):
            parser.error("TLS needs --tls-cert and --tls-key (or pass --tls-disabled)")
        peer_names = frozenset(name.strip() for name in options.peer_names.split(",") if name.strip())
        tls = TlsConfig.from_files(options.tls_cert, options.tls_key, options.client_ca_cert, peer_names)
    logs.configure()
    chaincode = load(options.chaincode)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    # Two messages in assembly at once per connection: a peer's one stream, and some slack.
    limits = Limits(max_message=options.max_message_size, max_buffered=2 * options.max_message_size)
    server = serve(chaincode, options.address, options.id, tls, limits, options.tx_deadline)
    stopping.wait()
    log.info("stopping chaincode server")
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
