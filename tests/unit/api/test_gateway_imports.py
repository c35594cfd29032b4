"""What a gateway loads: libraries only some gateways need stay out of the others' memory (each
costs every gateway process its own copy; bench/footprint.py)."""
from __future__ import annotations

import subprocess
import sys

OPTIONAL = ("psycopg", "schwifty", "sepaxml")
"""The read model's PostgreSQL driver, and the back office's IBAN and SEPA libraries."""


def test_a_gateway_without_the_office_or_postgresql_loads_neither():
    probe = ("import sys; from grootboek.api import app, services; "
             f"print(','.join(m for m in {OPTIONAL!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == ""
