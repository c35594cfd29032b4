"""A camera for Chromium's fake capture device (--use-file-for-fake-video-capture): a Y4M video
whose frames show a QR code, drawn from the module matrix the apps' own QR library
(qrcode-generator, from their npm lock file) computes in a browser page, or from a screenshot of
what a page shows. Chromium opens the file each time a page starts its camera, so replacing the
file (`write_y4m` does so atomically) puts a new picture in front of the same browser's camera."""
from __future__ import annotations

import os
from pathlib import Path

from .conftest import ROOT, Browser

QR_LIBRARY = ROOT / "api" / "apps" / "vendor" / "node_modules" / "qrcode-generator" / "dist" / "qrcode.js"
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def camera_flags(video: Path) -> tuple[str, ...]:
    """Chromium's flags for a camera that plays `video` and needs no one to allow it."""
    return ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}")


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
    # Written beside and moved over: a camera starting meanwhile reads the old picture or the new.
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)
    os.replace(partial, path)
    return path


def screenshot_pixels(browser: Browser, element) -> list[str]:
    """A screenshot of `element` as rows of '1' (dark pixel) and '0': what a camera pointed at
    the screen sees, decoded by the browser itself (a PNG image drawn on a canvas)."""
    pixels = browser.driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; const image = new Image();"
        "image.onerror = () => done('the screenshot is no image');"
        "image.onload = () => { const canvas = document.createElement('canvas');"
        " canvas.width = image.width; canvas.height = image.height;"
        " const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);"
        " const data = context.getImageData(0, 0, canvas.width, canvas.height).data; const rows = [];"
        " for (let y = 0; y < canvas.height; y++) { let row = '';"
        "  for (let x = 0; x < canvas.width; x++) { const at = 4 * (y * canvas.width + x);"
        "   row += data[at] + data[at + 1] + data[at + 2] < 3 * 128 ? '1' : '0'; }"
        "  rows.push(row); }"
        " done(rows); };"
        "image.src = 'data:image/png;base64,' + arguments[0];", element.screenshot_as_base64)
    assert isinstance(pixels, list), pixels
    return pixels
