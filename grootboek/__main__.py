"""`python -m grootboek ...` is the `grootboek` command."""
import sys

from grootboek.cli import main

sys.exit(main())
