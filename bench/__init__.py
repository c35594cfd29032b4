"""Benchmarks: scripts that print and save figures, always side by side with a baseline measured in
the same run. Run one with `python -m bench.<name>`, all with `make bench`."""
