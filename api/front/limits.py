"""What one client may cost the gateway: sizes, times and counts, each configurable."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """Defaults suit a municipality's gateway on a small host; `limits:` in the gateway's file
    overrides them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_body_bytes: int = Field(1024 * 1024, ge=1024)
    """A request body over this (declared or, when chunked, as it arrives) is refused with 413."""
    max_header_bytes: int = Field(16 * 1024, ge=1024)
    """Request line and headers together; over it, 431."""
    max_target_bytes: int = Field(8 * 1024, ge=256)
    """The request target (path and query); over it, 414."""
    handshake_seconds: float = Field(10.0, gt=0)
    """A TLS handshake must finish within this."""
    idle_seconds: float = Field(60.0, gt=0)
    """A connection with no request in progress is closed after this. Long, because holding an
    idle connection costs only memory, while a client that reopens every connection it loses
    costs a TLS handshake per timeout."""
    request_seconds: float = Field(20.0, gt=0)
    """From a request's first byte to its last; a slower client gets 408 and is disconnected."""
    max_connections: int = Field(4096, ge=1)
    """Open connections; at the limit the longest-idle one makes room, else the new one gets 503."""
    threads: int = Field(32, ge=1, le=512)
    """Requests the app handles at once (they mostly wait for Fabric)."""
    max_queued: int = Field(256, ge=0)
    """Complete requests waiting for a thread; beyond them, 503 with Retry-After."""
    event_streams_per_user: int = Field(16, ge=1)
    """Event streams one user may hold open at once (a shop's tills each hold one); beyond them, 429.
    Every stream costs the gateway a write per event it passes, so one stolen token must not be able
    to hold a thousand."""
    retry_after_seconds: int = Field(1, ge=1)
