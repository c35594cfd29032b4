"""`python -m grootboek.api ...` is `grootboek api ...` (the supervisor runs `serve --config FILE`)."""
from __future__ import annotations

import sys

from grootboek.cli import main as grootboek_main


def main(argv: list[str] | None = None) -> int:
    return grootboek_main(["api", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
