"""The gateway's HTTP front: one asyncio event loop owns every connection; Flask runs in a bounded
thread pool and only ever sees whole requests.

Why not a pre-forked WSGI server: there, every connection that has not yet sent a complete request
holds a worker thread, so a few hundred idle or slow clients starve the gateway. Here an idle or
half-sent connection costs a few kilobytes on the loop until its timeout, bodies (chunked or not) are
counted and refused past the limit before the app is called, a full pool answers 503 with
Retry-After instead of silence, and event streams are written by the loop, not by a thread each.
"""
from .limits import Limits
from .server import FrontServer
from .streaming import AsyncBody

__all__ = ["AsyncBody", "FrontServer", "Limits"]
