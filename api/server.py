"""Running the gateway: `python -m grootboek.api serve --config FILE`.

One process: an asyncio front owns every connection (TLS, limits, timeouts, event streams) and runs
Flask in a bounded thread pool (see `front`). One process because the work is waiting for Fabric,
not computing: a second process would double the memory and split the event subscriptions, and a
process supervisor restarts it if it dies (no master whose death leaves workers holding the port).
"""
from __future__ import annotations

import asyncio
import signal
import ssl
from pathlib import Path

from grootboek import logs

from . import config as config_file
from .config import ApiConfig
from .front import FrontServer

GRACE_SECONDS = 10.0


def serve(config_path: Path) -> None:
    config = config_file.load(config_path)
    logs.configure()
    asyncio.run(_serve(config))


async def _serve(config: ApiConfig) -> None:
    from .app import create_app
    from .readmodel.ingest import ChannelBlocks, Ingest
    from .services import Services

    services = Services.open(config)
    server = FrontServer(create_app(config, services), config.limits, tls_context(config))
    ingest = None
    budgets = config.chaincode("budgets")
    if services.readmodel is not None and budgets is not None:
        ingest = Ingest(services.readmodel, ChannelBlocks(services.connections, budgets.channel).open).start()
    await server.start(config.host, config.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await server.close(GRACE_SECONDS)
    if ingest is not None:
        ingest.stop()


def tls_context(config: ApiConfig) -> ssl.SSLContext | None:
    if config.tls is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(config.tls.cert, config.tls.key)
    if config.tls.client_ca is not None:
        # Optional: clients without a certificate still connect and use bearer tokens.
        context.load_verify_locations(config.tls.client_ca)
        context.verify_mode = ssl.CERT_OPTIONAL
    return context
