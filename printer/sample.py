"""The ticket `satupintu printer test` prints: clearly marked as a test, never a queue number."""

from __future__ import annotations

from datetime import datetime

from shared.application.printing import TicketPrint
from shared.domain.config import Config

LOCAL_URL = "http://127.0.0.1:8000"  # where `satupintu serve` listens by default


def sample_ticket(config: Config, now: datetime) -> TicketPrint:
    """A test ticket for the first service, number `<prefix>-000`, with a "TES / TEST" banner.

    Its QR code leads to the station's home page (`public_url`, else the local server).
    """
    service = config.services[0]
    return TicketPrint(
        station=config.station.name,
        logo=config.logo_path,
        number=f"{service.prefix}-000",
        service=service.name,
        unit=service.unit,
        priority=False,
        issued_at=now.astimezone(config.zone),
        ahead=0,
        estimated_wait=None,
        status_url=f"{(config.public_url or LOCAL_URL).rstrip('/')}/",
        standard_minutes=service.standard_minutes,
        fee=service.fee,
        language=config.language,
        test=True,
    )
