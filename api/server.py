"""Running the gateway under gunicorn: `python -m grootboek.api serve --config FILE`.

gthread workers, so server-sent event streams hold a thread, not a whole worker. The app (and with
it every gRPC channel) is created in each worker after the fork, never in the master. Prometheus
samples of all workers meet in `<data_dir>/metrics` (cleared at start; the variable must be set
before prometheus_client is first imported, which is why this module imports the app lazily).
"""
from __future__ import annotations

import os
import shutil
import ssl
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from . import config as config_file
from .config import MULTIPROCESS_ENV, ApiConfig

# Requests mostly wait for Fabric (a commit takes a block's time), and a keep-alive connection stays
# with the worker that accepted it, so each worker gets enough threads to serve everyone itself.
THREADS_PER_WORKER = 64
REQUEST_TIMEOUT_SECONDS = 180  # longer than a commit wait with retries
METRICS_DIR = "metrics"


class GatewayServer(BaseApplication):
    def __init__(self, config_path: Path, config: ApiConfig) -> None:
        self.config_path = config_path
        self.api_config = config
        super().__init__()

    def load_config(self) -> None:
        for name, value in gunicorn_options(self.api_config).items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        from .app import create_app

        return create_app(config_file.load(self.config_path))


def gunicorn_options(config: ApiConfig) -> dict[str, Any]:
    options: dict[str, Any] = {
        "bind": [config.listen],
        "workers": config.workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "timeout": REQUEST_TIMEOUT_SECONDS,
        "graceful_timeout": 10,
        "keepalive": 30,
        "preload_app": False,
        "accesslog": None,
        "logconfig_dict": _json_logging(os.environ.get("GROOTBOEK_LOG_LEVEL", "WARNING").upper()),
        "proc_name": f"grootboek-api-{config.organization.lower()}",
        "child_exit": _child_exit,
        "post_worker_init": _configure_logging,
    }
    if config.tls is not None:
        options.update(certfile=str(config.tls.cert), keyfile=str(config.tls.key))
        if config.tls.client_ca is not None:
            # Optional: clients without a certificate still connect and use bearer tokens.
            options.update(ca_certs=str(config.tls.client_ca), cert_reqs=ssl.CERT_OPTIONAL)
    return options


def serve(config_path: Path) -> None:
    config = config_file.load(config_path)
    metrics_dir = config.data_dir / METRICS_DIR
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    os.environ[MULTIPROCESS_ENV] = str(metrics_dir)
    GatewayServer(Path(config_path), config).run()


def _json_logging(level: str) -> dict[str, Any]:
    """gunicorn's own messages as our JSON lines too (grootboek.logs), quiet by default."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "grootboek.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level, "handlers": []},  # grootboek.logs.configure() installs its own
        "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
                    "gunicorn.access": {"handlers": [], "level": level, "propagate": False}},
    }


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _configure_logging(worker: Any) -> None:
    from grootboek import logs

    logs.configure()
