"""The on-disk MSP layout that cryptogen and fabric-ca-client write (signcerts/, keystore/)."""
from __future__ import annotations

from pathlib import Path


def signing_certificate(msp_dir: str | Path) -> bytes:
    """The PEM certificate in signcerts/."""
    return _pick(Path(msp_dir) / "signcerts", suffix=".pem").read_bytes()


def private_key(msp_dir: str | Path) -> bytes:
    """The PEM private key in keystore/ (named `<ski>_sk` or `priv_sk` by Fabric's tools)."""
    return _pick(Path(msp_dir) / "keystore", suffix="_sk").read_bytes()


def _pick(directory: Path, suffix: str) -> Path:
    files = sorted(p for p in directory.iterdir() if p.is_file())
    preferred = [p for p in files if p.name.endswith(suffix)]
    if len(preferred) == 1:
        return preferred[0]
    if len(files) == 1:
        return files[0]
    raise FileNotFoundError(f"expected exactly one {suffix} file in {directory}, found {len(files)}")
