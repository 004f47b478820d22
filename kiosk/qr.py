"""QR codes as SVG, drawn on the server (no script needed on the kiosk to show one)."""

from __future__ import annotations

import io

QR_BORDER_MODULES = 2


def qr_svg(text: str) -> bytes:
    """An SVG QR code of `text`: black modules on white, drawn as one path, sized by its page."""
    import qrcode  # with Pillow, loaded by the first QR code shown rather than at start
    from qrcode.image.svg import SvgPathFillImage

    image = qrcode.make(text, image_factory=SvgPathFillImage, border=QR_BORDER_MODULES)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue()
