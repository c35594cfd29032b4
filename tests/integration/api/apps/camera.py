"""A camera for Chromium's fake capture device (--use-file-for-fake-video-capture): a Y4M video
whose frames show a QR code, drawn from the module matrix the apps' own QR library
(qrcode-generator, from their npm lock file) computes in a browser page."""
from __future__ import annotations

from pathlib import Path

from .conftest import ROOT, Browser

QR_LIBRARY = ROOT / "api" / "apps" / "vendor" / "node_modules" / "qrcode-generator" / "dist" / "qrcode.js"
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_matrix(browser: Browser, text: str) -> list[str]:
    """The QR code of `text` (error correction M, smallest version) as rows of '1' (dark) and '0'."""
    return browser.driver.execute_script(
        QR_LIBRARY.read_text() + ";"
        "const qr = qrcode(0, 'M'); qr.addData(arguments[0]); qr.make();"
        "const n = qr.getModuleCount(); const rows = [];"
        "for (let r = 0; r < n; r++) { let row = ''; for (let c = 0; c < n; c++) row += qr.isDark(r, c) ? '1' : '0';"
        " rows.push(row); }"
        "return rows;", text)


def write_y4m(path: Path, matrix: list[str], width: int = 960, height: int = 720, frames: int = 5) -> Path:
    """A grey-scale 4:2:0 Y4M video of the code centred on white (Chromium plays it in a loop)."""
    modules = len(matrix) + 2 * QUIET_ZONE
    scale = min(width, height) // modules
    left = (width - scale * modules) // 2 + QUIET_ZONE * scale
    top = (height - scale * modules) // 2 + QUIET_ZONE * scale
    luma = bytearray(b"\xff" * (width * height))
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark == "1":
                for y in range(top + r * scale, top + (r + 1) * scale):
                    start = y * width + left + c * scale
                    luma[start:start + scale] = bytes(scale)
    chroma = b"\x80" * ((width // 2) * (height // 2))  # no colour
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)
    return path
