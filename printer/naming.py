"""How people recognise a configured printer, in logs, health and `satupintu doctor`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from shared.domain.config import PrinterConfig


def printer_name(config: PrinterConfig, resolve: Callable[[str], Path]) -> str:
    """How people recognise the printer, e.g. "printer 192.0.2.10:9100"."""
    match config.type:
        case "network":
            return f"printer {config.host}:{config.port}"
        case "usb":
            return f"USB printer {config.vendor_id:04x}:{config.product_id:04x}"
        case "serial":
            return f"serial printer {config.device}"
        case "file":
            return f"printer file {resolve(config.path)}"
        case "preview":
            return f"preview folder {resolve(config.directory)}"
        case _:
            return "no printer"
